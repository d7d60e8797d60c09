using Microsoft.Playwright;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;

namespace Seer.Browser.Tests;

/// <summary>
/// The Projects pages in Debian's chromium against a real Kestrel: a project on 160 real Fashion-MNIST images already
/// taken through round 0 and round 1 (an iteration job with an oracle, tiny network) is listed with its latest metric;
/// its page draws the metric trend (one point per round) and the iterations table; the page's form queues round 2,
/// whose job page links back to the project, now with three points.
/// Screenshots go to TestResults/screenshots at the repository root (p1-…, p2-…).
/// </summary>
public sealed class ProjectUiTests
{
    private const string Password = "browser-password-2";

    [Fact]
    public async Task ProjectPage_ShowsTheMetricTrendAndTheIterations_AndQueuesTheNextRound()
    {
        await using var site = await BrowserSite.StartAsync();
        site.Accounts.AddUser("grace", UserRole.Member, Password);
        await PrepareProjectAsync(site);
        var page = await site.NewPageAsync();
        await BrowserSite.WalkAsync(page, "p-failure.png", () => WalkThroughAsync(page, site.Url, BrowserSite.Shots));
    }

    private static async Task WalkThroughAsync(IPage page, string url, string shots)
    {
        await page.GotoAsync(url + "/#/projects");
        await BrowserSite.SignInAsync(page, "grace", Password);
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("grace (member)");
        await page.GotoAsync(url + "/#/projects");
        var row = page.Locator("#projects tr", new() { HasText = "fashion" });
        await Assertions.Expect(row).ToContainTextAsync("grace");
        await Assertions.Expect(row).ToContainTextAsync("top1 0.");
        await BrowserSite.ShotAsync(page, "p1-projects.png");

        await row.Locator("a").ClickAsync();
        await Assertions.Expect(page.Locator("#project-summary")).ToContainTextAsync("f-pool@");
        await Assertions.Expect(page.Locator("#chart-trend circle")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#chart-trend text.point-label", new() { HasText = "round 1" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#chart-trend path[data-series]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#iterations tr[data-round]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#iterations tr[data-round='1']")).ToContainTextAsync("entropy");
        await Assertions.Expect(page.Locator("#iterations tr[data-round='1'] td").Nth(4)).ToHaveTextAsync("60");
        await Assertions.Expect(page.Locator("#chart-round-metrics rect").First).ToBeAttachedAsync();
        await BrowserSite.ShotAsync(page, "p2-project.png");

        // Queue round 2 from the page's form, which starts from round 1's settings (oracle "f", 20 picks), follow the job, come back.
        await Assertions.Expect(page.Locator("#iterate-oracle")).ToHaveValueAsync("f");
        await Assertions.Expect(page.Locator("#iterate-topk")).ToHaveValueAsync("20");
        await page.Locator("#iterate-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#job-state")).ToHaveTextAsync("succeeded", new() { Timeout = 600_000 });
        await page.Locator("#open-project").ClickAsync();
        await Assertions.Expect(page.Locator("#chart-trend circle")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#iterations tr[data-round='2'] td").Nth(4)).ToHaveTextAsync("80");
        await BrowserSite.ShotAsync(page, "p3-project-round2.png");
    }

    /// <summary>160 Fashion-MNIST test images as "f" (the oracle), f-train 40 / f-val 40 / f-pool 80 unlabelled, project "fashion" of grace at round 1.</summary>
    private static async Task PrepareProjectAsync(BrowserSite site)
    {
        await FashionProject.CreateAsync(site, "grace");
        // a tiny network (width 8, 3 batches of 8 per epoch); round 2, queued from the page, keeps these settings
        var done = await FashionProject.RunJobAsync(site, "iteration", new
        {
            project = "fashion", round = 1, oracle = "f", strategy = "entropy", topk = 20, epochs = 1, image_size = 32, batch_size = 8, width = 8,
            max_batches_per_epoch = 3,
        }, "grace", TimeSpan.FromMinutes(5));
        Assert.True(done.State == JobState.Succeeded, done.Error);
    }
}
