using Microsoft.Playwright;
using Seer.Workflows.Cards;

namespace Seer.Browser.Tests;

/// <summary>A flow card (one self-contained HTML file) opened from disk in Debian's chromium: its image decodes, its
/// table and chart render, and nothing is fetched from anywhere.</summary>
public sealed class FlowCardTests
{
    [Fact]
    public async Task ACard_OpensInChromium_AndShowsItsImagesAndTables()
    {
        string dir = TestPaths.TempDir();
        string photo = Directory.GetFiles(Path.Combine(TestPaths.LabelmeVoc, "JPEGImages"), "*.jpg").Order(StringComparer.Ordinal).First();
        var card = new Card("evaluate — sweep[2].evaluate");
        card.Table(["class", "precision", "recall"], [["person", 0.75, 0.5], ["bus", 1.0, 0.25]], "per class");
        card.LineChart("loss per epoch", [1, 2, 3], [("loss", [1.2, 0.8, 0.5])]);
        card.Image(Path.GetFileName(photo), File.ReadAllBytes(photo), "image/jpeg");
        string file = Path.Combine(dir, "card.html");
        card.WriteTo(file);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("evaluate — sweep[2].evaluate");
        await Assertions.Expect(page.Locator("table caption")).ToHaveTextAsync("per class");
        await Assertions.Expect(page.Locator("table tr").Nth(2).Locator("td").Nth(0)).ToHaveTextAsync("bus");
        await Assertions.Expect(page.Locator("table tr").Nth(1).Locator("td").Nth(1)).ToHaveTextAsync("0.75");
        await Assertions.Expect(page.Locator("svg polyline")).ToHaveCountAsync(1);
        var img = page.Locator("figure.image img");
        await Assertions.Expect(img).ToBeVisibleAsync();
        int natural = await img.EvaluateAsync<int>("i => i.complete ? i.naturalWidth : -1");
        Assert.Equal(500, natural);   // the labelme VOC photos are 500 px wide: the embedded JPEG decoded
        Assert.All(requests, u => Assert.True(u.StartsWith("file:", StringComparison.Ordinal) || u.StartsWith("data:", StringComparison.Ordinal), u));
        Directory.Delete(dir, recursive: true);
    }
}
