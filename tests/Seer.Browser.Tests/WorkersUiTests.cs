using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;

namespace Seer.Browser.Tests;

/// <summary>
/// The Workers page (issue 22) in Debian's chromium against a real Kestrel on the embedded default: the server's own
/// runner is the one worker, listed as GET /api/workers has it (name, state, CPU threads, GPUs), idle; a training job
/// submitted through the API shows in its row as a link to the job while it runs (the page refreshes every 2 s), and
/// the row is idle again once the job is cancelled. The cluster's workers come through the same route and page
/// (ClusterKillTests checks the route with two `seer worker` processes).
/// </summary>
public sealed class WorkersUiTests
{
    private const string Password = "browser-password-w";

    [Fact]
    public async Task WorkersPage_ShowsTheServersRunner_AndTheJobRunningOnIt()
    {
        await using var site = await BrowserSite.StartAsync();
        string url = site.Url;
        site.Accounts.AddUser("ada", UserRole.Admin, Password);
        await FashionProject.CreateAsync(site, "ada");
        using var http = site.Api("ada");
        var workers = await http.GetFromJsonAsync<JsonElement>("/api/workers");
        Assert.Equal(1, workers.GetArrayLength());
        var worker = workers[0];
        string name = worker.GetProperty("name").GetString()!;

        var page = await site.NewPageAsync();
        await BrowserSite.WalkAsync(page, "w-failure.png", async () =>
        {
            await page.GotoAsync(url + "/#/workers");
            await BrowserSite.SignInAsync(page, "ada", Password);
            await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("ada (admin)");
            await page.GotoAsync(url + "/#/workers");

            var row = page.Locator($"#workers tr[data-worker='{name}']");
            var cells = row.Locator("td");
            await Assertions.Expect(cells.Nth(0)).ToHaveTextAsync(name);
            await Assertions.Expect(cells.Nth(1)).ToHaveTextAsync("active");
            await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync(worker.GetProperty("cpu").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(cells.Nth(3)).ToHaveTextAsync("none");
            await Assertions.Expect(cells.Nth(4)).ToHaveTextAsync("idle");
            await BrowserSite.ShotAsync(page, "w1-workers-idle.png");

            // a long training job (an epoch on the 40 training images takes milliseconds, so many of them): its id shows in the row while it runs
            var submitted = await http.PostAsJsonAsync("/api/jobs", new
            {
                kind = "training",
                parameters = new { train = "f-train", val = "f-val", task = "classify", epochs = 20_000 },   // cancelled below; never reaches the end
                cpu_threads = 1,
            });
            submitted.EnsureSuccessStatusCode();
            long id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            var link = row.Locator($"td.jobs a[href='#/job/{id}']");
            await Assertions.Expect(link).ToHaveTextAsync($"#{id}", new() { Timeout = 60_000 });
            await BrowserSite.ShotAsync(page, "w2-workers-running.png");

            // cancelled, the job leaves the worker and the row is idle again
            (await http.PostAsync($"/api/jobs/{id}/cancel", null)).EnsureSuccessStatusCode();
            var ended = await site.Service<JobWaiter>().WaitAsync(id, j => JobStates.IsFinal(j.State), TimeSpan.FromMinutes(2), CancellationToken.None);
            Assert.Equal(JobState.Cancelled, ended.State);
            await Assertions.Expect(cells.Nth(4)).ToHaveTextAsync("idle", new() { Timeout = 30_000 });

            // the link opens the job
            await page.GotoAsync(url + $"/#/job/{id}");
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync("cancelled");
        });
    }
}
