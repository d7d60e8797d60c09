using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Seer.Hosting.Accounts;

namespace Seer.Browser.Tests;

/// <summary>
/// The Streams page (issue 20) in Debian's chromium against a real Kestrel: a stream created through /api/streams on a
/// short video made by Debian's ffmpeg from a real group photo (five faces), analysed by the served face detector, is
/// listed with its health (state, frames analysed, snapshots) and its latest snapshots (five clean face crops that load
/// as images); the admin's Stop button stops it and the row then offers Start.
/// Screenshots go to TestResults/screenshots at the repository root (s1-…, s2-…).
/// </summary>
public sealed class StreamsUiTests
{
    private const string Password = "browser-password-3";

    [Fact]
    public async Task StreamsPage_ListsAStreamWithItsHealthAndLatestSnapshots_AndStopsIt()
    {
        string home = TestPaths.TempDir();
        string shots = BrowserSite.Shots;
        Directory.CreateDirectory(Path.Combine(home, "imports"));
        string video = MakeFacesVideo(Path.Combine(home, "imports"));
        await using var site = await BrowserSite.StartAsync(home);
        string url = site.Url;
        site.Accounts.AddUser("ada", UserRole.Admin, Password);
        await BrowserUiTests.RegisterFaceModelAsync(site, "ada");
        using var http = site.Api("ada");
        var created = await http.PostAsJsonAsync("/api/streams", new { source = video, model = "faces", fps = 5.0, threshold = 0.7 });
        created.EnsureSuccessStatusCode();
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("config").GetProperty("id").GetString()!;
        (await http.PostAsync($"/api/streams/{id}/start", null)).EnsureSuccessStatusCode();

        var page = await site.NewPageAsync();
        await BrowserSite.WalkAsync(page, "s-failure.png", async () =>
        {
            await page.GotoAsync(url + "/#/streams");
            await BrowserSite.SignInAsync(page, "ada", Password);
            await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("ada (admin)");
            await page.GotoAsync(url + "/#/streams");

            // Health: the page refreshes every 2 s; the 10-frame video ends with one snapshot per face.
            var row = page.Locator($"#streams tr[data-stream='{id}']");
            await Assertions.Expect(row.Locator("td.source")).ToHaveTextAsync(video);
            await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("ended", new() { Timeout = 90_000 });
            var cells = row.Locator("td");
            await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync("faces");
            await Assertions.Expect(cells.Nth(7)).ToHaveTextAsync("0");   // dropped
            await Assertions.Expect(cells.Nth(9)).ToHaveTextAsync("5");   // snapshots

            // Latest snapshots: five crops, each a real JPEG the browser decoded, captioned with the track and label.
            var tiles = page.Locator($".snapshots[data-stream='{id}'] figure");
            await Assertions.Expect(tiles).ToHaveCountAsync(5);
            await Assertions.Expect(tiles.First.Locator("figcaption")).ToContainTextAsync("face");
            var widths = await page.Locator($".snapshots[data-stream='{id}'] img").EvaluateAllAsync<int[]>(
                "imgs => Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth)))");
            Assert.Equal(5, widths.Length);
            Assert.All(widths, w => Assert.InRange(w, 16, 640));
            await BrowserSite.ShotAsync(page, "s1-streams.png");

            // The admin stops it: the stored flag flips and the row offers Start.
            await row.Locator("button", new() { HasText = "Stop" }).ClickAsync();
            await Assertions.Expect(row.Locator("button")).ToHaveTextAsync("Start");
            var list = await http.GetFromJsonAsync<JsonElement>("/api/streams");
            Assert.False(list[0].GetProperty("config").GetProperty("running").GetBoolean());
            await BrowserSite.ShotAsync(page, "s2-stream-stopped.png");
        });
    }

    /// <summary>2 s at 5 fps of a real group photo (sample5.jpg, five faces), MJPEG, made by Debian's ffmpeg.</summary>
    private static string MakeFacesVideo(string dir)
    {
        string path = Path.Combine(dir, "faces.avi");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i", TestPaths.Data("faces", "sample5.jpg"),
                     "-t", "2", "-r", "5", "-vf", "scale=640:-2", "-c:v", "mjpeg", "-q:v", "4", path })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        return path;
    }
}
