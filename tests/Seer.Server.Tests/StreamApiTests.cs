using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Seer.Server.Tests;

/// <summary>/api/streams with the real face detector on a short video made (by Debian's ffmpeg) from a real group photo.</summary>
public sealed class StreamApiTests
{
    private static string MakeVideo(string dir)
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

    private static async Task<JsonElement> WaitHealth(HttpClient client, string id, Func<JsonElement, bool> until)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var h = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{id}/health");
            if (until(h)) return h;
            if (sw.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("stream health: " + h);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Streams_CreateStartSnapshotsStopDelete_AndRunningStreamsRestartWithTheServer()
    {
        string home = TestPaths.TempDir();
        // Server-side paths must be under HOME/imports (reading) and HOME/exports (writing).
        Directory.CreateDirectory(Path.Combine(home, "imports"));
        Directory.CreateDirectory(Path.Combine(home, "exports"));
        string video = MakeVideo(Path.Combine(home, "imports"));
        string snaps = Path.Combine(home, "exports", "snaps");
        string id;
        await using (var host = await ServerHost.StartAsync(home))
        {
            var admin = host.Admin();
            await ImageApiTests.RegisterFacesAsync(admin, home);
            var config = new { source = video, model = "faces", fps = 5.0, threshold = 0.7, sinks = new[] { "disk:" + snaps } };
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Member().PostAsJsonAsync("/api/streams", config)).StatusCode);
            var bad = await admin.PostAsJsonAsync("/api/streams", new { source = video, model = "faces", sinks = new[] { "ftp:x" } });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var outside = await admin.PostAsJsonAsync("/api/streams", new { source = "/etc/passwd", model = "faces" });
            Assert.NotEqual(HttpStatusCode.Created, outside.StatusCode);

            var created = await admin.PostAsJsonAsync("/api/streams", config);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("config").GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/streams/{id}/start", null)).StatusCode);
            // A stream is private to its creator until shared: a member neither lists nor reads it (404, as for no stream).
            Assert.Equal(0, (await host.Member().GetFromJsonAsync<JsonElement>("/api/streams")).GetArrayLength());
            foreach (var route in new[] { $"/api/streams/{id}", $"/api/streams/{id}/health", $"/api/streams/{id}/snapshots" })
                Assert.True((await host.Member().GetAsync(route)).StatusCode == HttpStatusCode.NotFound, route);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Member().PostAsync($"/api/streams/{id}/share", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/streams/nope/share", null)).StatusCode);
            var shared = await admin.PostAsync($"/api/streams/{id}/share", null);
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
            Assert.True((await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shared").GetBoolean());
            var health = await WaitHealth(host.Member(), id, h => h.GetProperty("state").GetString() == "ended");
            Assert.Equal(10, health.GetProperty("frames").GetInt64());
            Assert.Equal(5, health.GetProperty("snapshots").GetInt64()); // five faces in sample5.jpg, one track each

            var list = await host.Member().GetFromJsonAsync<JsonElement>("/api/streams");
            Assert.Equal(id, list[0].GetProperty("config").GetProperty("id").GetString());
            Assert.True(list[0].GetProperty("config").GetProperty("running").GetBoolean());
            var latest = await host.Member().GetFromJsonAsync<JsonElement>($"/api/streams/{id}/snapshots");
            Assert.Equal(5, latest.GetArrayLength());
            var first = latest[0];
            Assert.Equal("face", first.GetProperty("event").GetProperty("label").GetString());
            var crop = await host.Member().GetAsync($"/api/streams/{id}/snapshots/{first.GetProperty("seq").GetInt64()}/crop.jpg");
            Assert.Equal("image/jpeg", crop.Content.Headers.ContentType?.MediaType);
            Assert.Equal(5, File.ReadAllLines(Path.Combine(snaps, "snapshots.jsonl")).Length);
        }

        // A new server on the same home starts the stream again (it was left running).
        await using (var host = await ServerHost.StartAsync(home))
        {
            var admin = host.Admin();
            var health = await WaitHealth(admin, id, h => h.GetProperty("state").GetString() == "ended");
            Assert.Equal(10, health.GetProperty("frames").GetInt64());
            var stopped = await admin.PostAsync($"/api/streams/{id}/stop", null);
            Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
            Assert.False((await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("config").GetProperty("running").GetBoolean());
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/streams/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/streams/{id}")).StatusCode);
        }
        Directory.Delete(home, recursive: true);
    }
}
