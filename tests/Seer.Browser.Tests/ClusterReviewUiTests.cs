using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Access;
using Seer.Hosting.Accounts;
using Seer.Server;
using Seer.Tests.Shared;

namespace Seer.Browser.Tests;

/// <summary>
/// Issue 21, cluster review in Debian's chromium against a real Kestrel: a member opens a clustered version of their
/// dataset from its page, sees the clusters (size, cohesion, thumbnails), merges two, moves two members of a cluster
/// into a new one, and drops a cluster; each step is a new version, checked in the workspace.
/// Screenshots go to TestResults/screenshots/clusters-*.png.
/// </summary>
public sealed class ClusterReviewUiTests
{
    private const string Password = "browser-password-1";

    [Fact]
    public async Task AMember_ReviewsClusters_Merge_Split_Drop_EachAVersion()
    {
        string home = TestPaths.TempDir();
        string shots = Path.Combine(TestPaths.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(shots);
        var app = SeerServer.Build(home, "http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            string url = app.Urls.Single();
            app.Services.GetRequiredService<AccountStore>().AddUser("mia", UserRole.Member, Password);
            var ws = app.Services.GetRequiredService<Workspace>();
            await ClusteredPool.WriteAsync(ws, "pool");
            app.Services.GetRequiredService<ResourceAccess>().Claim(ResourceKinds.Dataset, "pool", "mia");
            string Head() => ws.Log(DatasetRef.Parse("pool")).First().Version;
            string v0 = Head();

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            try
            {
                await page.GotoAsync(url + "/#/dataset/pool");
                await page.Locator("#login-name").FillAsync("mia");
                await page.Locator("#login-password").FillAsync(Password);
                await page.Locator("#login-submit").ClickAsync();
                await page.Locator("#review-clusters").ClickAsync();
                var rows = page.Locator("#clusters tr.cluster");
                await Assertions.Expect(rows).ToHaveCountAsync(3);
                await Assertions.Expect(page.Locator("#clusters-summary")).ToContainTextAsync("3 clusters over 9 of 10 images (1 unclustered)");
                await Assertions.Expect(rows.Nth(0).Locator("td.size")).ToHaveTextAsync("4");
                await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("0.910");
                await Assertions.Expect(rows.Nth(0).Locator("td.strip img")).ToHaveCountAsync(4);
                // The thumbnails really load (the strip is images, not placeholders).
                await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#clusters td.strip img')].every(i => i.complete && i.naturalWidth > 0)");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "clusters-1-list.png"), FullPage = true });

                // Merge cluster-0001 and cluster-0003.
                await Assertions.Expect(page.Locator("#merge-clusters")).ToBeDisabledAsync();
                await page.Locator("input.merge-pick[data-cluster='cluster-0001']").CheckAsync();
                await page.Locator("input.merge-pick[data-cluster='cluster-0003']").CheckAsync();
                await page.Locator("#merge-clusters").ClickAsync();
                await Assertions.Expect(page.Locator("#clusters-status")).ToContainTextAsync("merge-clusters: committed pool@");
                await Assertions.Expect(rows).ToHaveCountAsync(2);
                await Assertions.Expect(page.Locator("tr.cluster[data-cluster='cluster-0001'] td.size")).ToHaveTextAsync("6");
                string v1 = Head();
                Assert.NotEqual(v0, v1);
                Assert.Equal("merge-clusters", ws.Log(DatasetRef.Parse("pool")).First().Operation);

                // Split: open cluster-0001, select two members, move them to a new cluster.
                await page.Locator("button.open[data-cluster='cluster-0001']").ClickAsync();
                await Assertions.Expect(page.Locator("#cluster-members .member")).ToHaveCountAsync(6);
                await page.Locator("#cluster-members .member[data-index='4']").ClickAsync();
                await page.Locator("#cluster-members .member[data-index='8']").ClickAsync();
                await Assertions.Expect(page.Locator("#split-count")).ToHaveTextAsync("2 selected");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "clusters-2-split.png"), FullPage = true });
                await page.Locator("#split-new").ClickAsync();
                await Assertions.Expect(page.Locator("#clusters-status")).ToContainTextAsync("split-cluster → cluster-0004");
                await Assertions.Expect(page.Locator("tr.cluster[data-cluster='cluster-0004'] td.size")).ToHaveTextAsync("2");
                await Assertions.Expect(page.Locator("tr.cluster[data-cluster='cluster-0001'] td.size")).ToHaveTextAsync("4");
                var split = ws.OpenSnapshot(DatasetRef.Parse("pool"));
                Assert.Equal(["cluster-0004"], split.Images[4].Tags);
                Assert.Equal(["cluster-0004"], split.Images[8].Tags);

                // Drop cluster-0002: its three images stay, unlabelled.
                await page.Locator("button.drop[data-cluster='cluster-0002']").ClickAsync();
                await Assertions.Expect(page.Locator("#clusters-status")).ToContainTextAsync("drop-cluster: committed pool@");
                await Assertions.Expect(rows).ToHaveCountAsync(2);
                await Assertions.Expect(page.Locator("#clusters-summary")).ToContainTextAsync("2 clusters over 6 of 10 images (4 unclustered)");
                var dropped = ws.OpenSnapshot(DatasetRef.Parse("pool"));
                Assert.All(new[] { 2, 5, 9 }, i => Assert.False(dropped.Images[i].IsLabelled));
                Assert.Equal(4, ws.Log(DatasetRef.Parse("pool")).Count());
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "clusters-3-after.png"), FullPage = true });
            }
            catch (Exception)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "clusters-failure.png"), FullPage = true });
                throw;
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
