using Seer.Tests.Shared;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Seer.Hosting.Accounts;

namespace Seer.Browser.Tests;

/// <summary>
/// Issue 19 in Debian's chromium against a real Kestrel: a 2,000-image Fashion-MNIST classification set browsed in the
/// virtualised grid (classes on the tiles, a deep link that survives the sign-in, filters, scrolling to the last page
/// without loading every row), the image page with ground truth and a trained classifier's predictions, the confusion
/// matrix on the model page, a split and a synth from the dataset page, "more like this" on the image page, a lasso on the version's
/// embedding map made into a new version of exactly the lassoed images, creating and revoking a token, changing a
/// user's role, and every main page at 375 px without horizontal overflow. Screenshots go to TestResults/screenshots/webapp-*.png.
/// </summary>
public sealed class WebAppUiTests
{
    private const string Password = "browser-password-1";
    private const int Images = 2000;

    [Fact]
    public async Task BrowseFilterScroll_ImagePage_ConfusionMatrix_Split_Tokens_AndNarrowScreens()
    {
        string home = TestPaths.TempDir();
        string shots = BrowserSite.Shots;
        await using var site = await BrowserSite.StartAsync(home);
        string url = site.Url;
        var accounts = site.Accounts;
        accounts.AddUser("ada", UserRole.Admin, Password);
        // As an admin would: allow imports by path from the folder the test writes its data to.
        string data = TestPaths.TempDir();
        site.Service<SettingsStore>().Set("AllowedPaths", data, "ada");
        using var http = site.Api("ada");
        var (bags, model) = await SetUpAsync(http, data);

        var context = await site.NewContextAsync(1366, 900);
        var page = await context.NewPageAsync();
        await BrowserSite.WalkAsync(page, "webapp-failure.png", async () =>
        {
            await BrowseAsync(page, url, shots, bags);
            await ImageAndModelAsync(page, url, shots, model);
            await SplitAsync(page, url, shots);
            await SynthAsync(page, url, data, http);
            await MoreLikeThisAsync(page, url, shots);
            await MapLassoAsync(page, url, shots, http);
            await TokensAsync(page, url, shots, http);
            await RolesAsync(page, url, accounts);
            await NarrowAsync(context, url, shots, model);
        });
    }

    /// <summary>Imports the 2,000 images and trains a tiny classifier on them (served as "fash"); returns the Bag count and the model id.</summary>
    private static async Task<(int Bags, string Model)> SetUpAsync(HttpClient http, string data)
    {
        var import = await http.PostAsJsonAsync("/api/datasets/import", new { dataset = "fashion", format = "idx", path = FashionSubset.Write(data, Images) });
        var job = await WaitAsync(http, import);
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        var all = await http.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/images?limit=1000&label=Bag");
        int bags = all.GetProperty("total").GetInt32();
        Assert.InRange(bags, 1, Images - 1);

        var train = await http.PostAsJsonAsync("/api/jobs", new
        {
            kind = "training",
            parameters = new { train = "fashion", task = "classify", epochs = 1, image_size = 32, batch_size = 32, max_batches_per_epoch = 4, serve_as = "fash" },
        });
        Assert.Equal(HttpStatusCode.Accepted, train.StatusCode);
        var trained = await WaitAsync(http, train);
        Assert.True(trained.GetProperty("state").GetString() == "succeeded", trained.ToString());

        // Brain-style fields over the version with the classifier, recorded as runs the grid sorts on.
        var fields = await http.PostAsJsonAsync("/api/jobs", new { kind = "fields", parameters = new { dataset = "fashion", model = "fash", k = 5 } });
        var computed = await WaitAsync(http, fields);
        Assert.True(computed.GetProperty("state").GetString() == "succeeded", computed.ToString());
        var names = (await http.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/fields")).GetProperty("fields").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Subset(names.ToHashSet(), new HashSet<string?> { "duplicates", "uniqueness", "mistakenness", "correct" });
        return (bags, trained.GetProperty("result").GetProperty("model").GetString()!);
    }

    private static async Task<JsonElement> WaitAsync(HttpClient http, HttpResponseMessage submitted)
    {
        long id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        for (int i = 0; i < 20; i++) // the wait call returns after at most 60 s; a stuck job fails the test after 20 minutes
        {
            var job = await http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/wait?timeout=60");
            if (job.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled") return job;
        }
        throw new TimeoutException($"job {id} did not finish");
    }

    private static async Task BrowseAsync(IPage page, string url, string shots, int bags)
    {
        // A deep link opened before signing in comes back after the sign-in.
        await page.GotoAsync(url + "/#/browse/fashion?label=Bag");
        await BrowserSite.SignInAsync(page, "ada", Password);
        await Assertions.Expect(page.Locator("#browse-status")).ToContainTextAsync($"of {bags}");
        Assert.EndsWith("#/browse/fashion?label=Bag", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#browse-label")).ToHaveValueAsync("Bag");
        var labels = await page.Locator("#grid a.btile .btile-label").AllInnerTextsAsync();
        Assert.NotEmpty(labels);
        Assert.All(labels, l => Assert.Equal("Bag", l));

        // The whole set: classes on the tiles, small images drawn crisply, one page fetched, only visible rows in the DOM.
        await page.GotoAsync(url + "/#/browse/fashion");
        await Assertions.Expect(page.Locator("#browse-status")).ToContainTextAsync($"of {Images}");
        var grid = page.Locator("#grid");
        await Assertions.Expect(grid).ToHaveAttributeAsync("data-pages", "1");
        await Assertions.Expect(page.Locator("#grid a.btile canvas[data-loaded='true']").First).ToBeAttachedAsync();
        string[] classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        var shown = await page.Locator("#grid a.btile .btile-label").AllInnerTextsAsync();
        Assert.All(shown, l => Assert.Contains(l, classes));
        Assert.True(shown.Distinct().Count() >= 3, string.Join(", ", shown.Distinct()));
        Assert.Equal("pixelated", await page.Locator("#grid canvas").First.EvaluateAsync<string>("c => getComputedStyle(c).imageRendering"));
        int inDom = await page.Locator("#grid .btile").CountAsync();
        Assert.InRange(inDom, 10, 300);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webapp-1-grid.png") });

        // Scroll to the very end: the last image is drawn, a few pages were fetched, the DOM still holds only visible rows.
        await grid.EvaluateAsync("g => { g.scrollTop = g.scrollHeight; }");
        await Assertions.Expect(page.Locator($"#grid a.btile[data-index='{Images - 1}']")).ToBeAttachedAsync();
        int pages = int.Parse(await grid.GetAttributeAsync("data-pages") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(pages, 2, 4);
        Assert.InRange(await page.Locator("#grid .btile").CountAsync(), 10, 300);
        await Assertions.Expect(page.Locator("#browse-status")).ToContainTextAsync($"–{Images} of {Images}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "webapp-2-grid-end.png") });

        // Filter and sort from the form: the hash carries them, the first tile is a Sneaker with the largest file name.
        await page.Locator("#browse-label").SelectOptionAsync("Sneaker");
        await page.Locator("#browse-sort").SelectOptionAsync("file_name");
        await page.Locator("#browse-order").SelectOptionAsync("desc");
        await page.Locator("#browse-apply").ClickAsync();
        await Assertions.Expect(page.Locator("#grid a.btile[data-index='0'] .btile-label")).ToHaveTextAsync("Sneaker");
        Assert.Contains("label=Sneaker&sort=file_name&order=desc", page.Url, StringComparison.Ordinal);

        // A recorded field sorts the grid: the most mistaken first (its value is the largest over the whole set).
        await page.GotoAsync(url + "/#/browse/fashion?sort=mistakenness&order=desc");
        await Assertions.Expect(page.Locator("#grid a.btile[data-index='0']")).ToBeAttachedAsync();
        await page.Locator("#grid a.btile[data-index='0']").ClickAsync();
        await Assertions.Expect(page.Locator("#image-facts th", new() { HasText = "mistakenness" })).ToHaveCountAsync(1);
        await page.GotoAsync(url + "/#/browse/fashion?label=Sneaker&sort=file_name&order=desc");
    }

    private static async Task ImageAndModelAsync(IPage page, string url, string shots, string model)
    {
        await page.Locator("#grid a.btile[data-index='0']").ClickAsync();
        await Assertions.Expect(page.Locator("#image-tags")).ToHaveTextAsync("Sneaker");
        await Assertions.Expect(page.Locator("#image-truth[data-loaded='true']")).ToBeAttachedAsync();
        Assert.True(await page.Locator("#image-truth").EvaluateAsync<int>("c => c.width") >= 28 * 4, "the 28 px image is zoomed");
        await Assertions.Expect(page.Locator("#image-model")).ToHaveValueAsync("fash");
        await page.Locator("#predict-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#prediction-verdict")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("^(Correct: Sneaker|Wrong: predicted .+, truth Sneaker)$"));
        await Assertions.Expect(page.Locator("#prediction-classes tr")).ToHaveCountAsync(6); // header + top 5
        await BrowserSite.ShotAsync(page, "webapp-3-image.png");

        await page.GotoAsync(url + $"/#/model/{model}");
        await Assertions.Expect(page.Locator("#confusion tr")).ToHaveCountAsync(11); // header + 10 classes
        int counted = await page.Locator("#confusion").EvaluateAsync<int>("t => [...t.querySelectorAll('td')].reduce((s, td) => s + Number(td.textContent), 0)");
        Assert.Equal(Images, counted); // validated on the training set: every image once
        await Assertions.Expect(page.Locator("#per-class tr")).ToHaveCountAsync(11);
        await Assertions.Expect(page.Locator("#evaluations tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#onnx-download")).ToHaveAttributeAsync("href", $"/api/trained-models/{model}/model.onnx");
        await BrowserSite.ShotAsync(page, "webapp-4-model.png");

        // The train form picks the task from the data.
        await page.GotoAsync(url + "/#/train/fashion");
        await Assertions.Expect(page.Locator("#train-task")).ToHaveValueAsync("classify");
    }

    private static async Task SplitAsync(IPage page, string url, string shots)
    {
        await page.GotoAsync(url + "/#/dataset/fashion");
        await page.Locator("#split-ratios").FillAsync("0.5,0.5");
        await page.Locator("#split-seed").FillAsync("3");
        await page.Locator("#split-submit").ClickAsync();
        // A zero test ratio makes no test part. The split runs in the request: allow for a loaded machine.
        await Assertions.Expect(page.Locator("#action-result li[data-dataset]")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        var parts = await page.Locator("#action-result li[data-dataset]").AllInnerTextsAsync();
        Assert.Contains(parts, p => p.StartsWith("fashion-train@", StringComparison.Ordinal));
        Assert.Contains(parts, p => p.StartsWith("fashion-val@", StringComparison.Ordinal));
        int Count(string part) => int.Parse(System.Text.RegularExpressions.Regex.Match(part, @"· (\d+) images").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Images, parts.Sum(Count));
        Assert.All(parts, p => Assert.InRange(Count(p), Images / 2 - 10, Images / 2 + 10));
        await BrowserSite.ShotAsync(page, "webapp-5-split.png");
        await page.GotoAsync(url + "/#/datasets");
        await Assertions.Expect(page.Locator("#datasets a", new() { HasText = "fashion-train" })).ToHaveCountAsync(1);
    }

    private static async Task TokensAsync(IPage page, string url, string shots, HttpClient http)
    {
        await page.GotoAsync(url + "/#/admin");
        await Assertions.Expect(page.Locator("#users td", new() { HasText = "ada" })).ToHaveCountAsync(1);
        int before = await page.Locator("#tokens tr[data-token]").CountAsync();
        await page.Locator("#token-create").ClickAsync();
        await Assertions.Expect(page.Locator("#token-secret")).ToContainTextAsync("seer_");
        await Assertions.Expect(page.Locator("#tokens tr[data-token]")).ToHaveCountAsync(before + 1);
        string token = await page.Locator("#token-secret").InnerTextAsync();
        string id = token.Split('_')[1];
        using (var check = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me"))
        {
            check.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(check)).StatusCode);
        }
        await page.Locator($"button[data-revoke='{id}']").ClickAsync();
        await Assertions.Expect(page.Locator($"#tokens tr[data-token='{id}'] td", new() { HasText = "revoked" })).ToHaveCountAsync(1);
        await BrowserSite.ShotAsync(page, "webapp-6-tokens.png");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(again)).StatusCode);
    }

    /// <summary>Synth from the dataset page: the form queues a "synth" job, its page shows it succeed, the version has boxes of the chosen classes.</summary>
    private static async Task SynthAsync(IPage page, string url, string data, HttpClient http)
    {
        string photos = Path.Combine(data, "photos");
        Directory.CreateDirectory(photos);
        for (int i = 0; i < 2; i++)
        {
            using var mat = new OpenCvSharp.Mat(96, 128, OpenCvSharp.MatType.CV_8UC3, new OpenCvSharp.Scalar(60 + 50 * i, 120, 180));
            OpenCvSharp.Cv2.ImWrite(Path.Combine(photos, $"p{i}.png"), mat);
        }
        await page.GotoAsync(url + "/#/dataset/fashion");
        await page.Locator("#synth-target").FillAsync("fashion-boxes");
        await page.Locator("#synth-backgrounds").FillAsync(photos);
        await page.Locator("#synth-classes").SelectOptionAsync(new[] { "Bag", "Sneaker" });
        await page.Locator("#synth-count").FillAsync("4");
        await page.Locator("#synth-size").FillAsync("64x64");
        await page.Locator("#synth-min-size").FillAsync("12");
        await page.Locator("#synth-max-size").FillAsync("28");
        await page.Locator("#synth-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#job-state")).ToHaveTextAsync("succeeded", new() { Timeout = 120_000 });
        var rows = (await http.GetFromJsonAsync<JsonElement>("/api/datasets/fashion-boxes/images")).GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.InRange(r.GetProperty("box_count").GetInt32(), 1, 4));
        Assert.All(rows.SelectMany(r => r.GetProperty("objects").EnumerateArray()), o => Assert.Contains(o.GetProperty("label").GetString(), new[] { "Bag", "Sneaker" }));
    }

    private static async Task MoreLikeThisAsync(IPage page, string url, string shots)
    {
        await page.GotoAsync(url + "/#/image/fashion/0");
        await Assertions.Expect(page.Locator("#similar-model")).ToHaveValueAsync("fash");
        await page.Locator("#similar-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#similar a.btile")).ToHaveCountAsync(12, new() { Timeout = 60_000 });
        var links = await page.Locator("#similar a.btile").EvaluateAllAsync<string[]>("as => as.map(a => a.getAttribute('href'))");
        Assert.DoesNotContain(links, l => l.EndsWith("/0", StringComparison.Ordinal)); // the image itself is left out
        var scores = (await page.Locator("#similar .btile-score").AllInnerTextsAsync()).Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        await BrowserSite.ShotAsync(page, "webapp-7-similar.png");
    }

    /// <summary>
    /// Drags a rectangular lasso over the middle of the map; the points inside are computed here from the map's own
    /// answer (GET /map) and the canvas's transform, then the selection becomes a version holding exactly those images.
    /// </summary>
    private static async Task MapLassoAsync(IPage page, string url, string shots, HttpClient http)
    {
        await page.GotoAsync(url + "/#/browse/fashion");
        await page.Locator("#browse-map").ClickAsync();
        var canvas = page.Locator("#map-canvas");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-points", Images.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var map = await http.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/map?model=fash");
        Assert.Equal("pca", map.GetProperty("method").GetString());
        using var transform = JsonDocument.Parse(await canvas.GetAttributeAsync("data-transform") ?? "{}");
        double minX = transform.RootElement.GetProperty("minX").GetDouble(), minY = transform.RootElement.GetProperty("minY").GetDouble();
        double scale = transform.RootElement.GetProperty("scale").GetDouble(), pad = transform.RootElement.GetProperty("pad").GetDouble();
        double size = transform.RootElement.GetProperty("size").GetDouble();
        double offX = transform.RootElement.GetProperty("offX").GetDouble(), offY = transform.RootElement.GetProperty("offY").GetDouble();
        var points = map.GetProperty("points").EnumerateArray()
            .Select(p => (Index: p.GetProperty("index").GetInt32(), X: pad + offX + (p.GetProperty("x").GetDouble() - minX) * scale,
                Y: size - pad - offY - (p.GetProperty("y").GetDouble() - minY) * scale))
            .ToList();
        // A rectangle around the densest middle, nudged so no point lies within 1.5 canvas pixels of an edge.
        double x1 = size * 0.3, y1 = size * 0.3, x2 = size * 0.7, y2 = size * 0.7;
        for (int tries = 0; tries < 50 && points.Any(p => Near(p.X, x1) || Near(p.X, x2) || Near(p.Y, y1) || Near(p.Y, y2)); tries++)
        {
            x1 += 0.7; x2 += 0.9; y1 += 0.8; y2 += 0.6;
        }
        var expected = points.Where(p => p.X > x1 && p.X < x2 && p.Y > y1 && p.Y < y2).Select(p => p.Index).Order().ToList();
        Assert.InRange(expected.Count, 1, Images - 1);
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("the map is not drawn");
        double k = box.Width / size;
        (float, float) Client(double x, double y) => ((float)(box.X + x * k), (float)(box.Y + y * k));
        var (ax, ay) = Client(x1, y1);
        await page.Mouse.MoveAsync(ax, ay);
        await page.Mouse.DownAsync();
        foreach (var (cx, cy) in new[] { (x2, y1), (x2, y2), (x1, y2), (x1, y1) })
        {
            var (px, py) = Client(cx, cy);
            await page.Mouse.MoveAsync(px, py, new MouseMoveOptions { Steps = 5 });
        }
        await page.Mouse.UpAsync();
        await Assertions.Expect(page.Locator("#map-selected")).ToHaveTextAsync($"{expected.Count} image{(expected.Count == 1 ? "" : "s")} selected");
        Assert.Equal(string.Join(",", expected), await canvas.GetAttributeAsync("data-selected"));
        await BrowserSite.ShotAsync(page, "webapp-8-map.png");

        await page.Locator("#map-target").FillAsync("lassoed");
        await page.Locator("#map-create").ClickAsync();
        await Assertions.Expect(page.Locator("#map-result li[data-dataset='lassoed']")).ToContainTextAsync($"{expected.Count} images", new() { Timeout = 60_000 });
        // Exactly those images, in the source's order, with the source version as the parent (operation "select").
        var source = new List<string>();
        for (int offset = 0; offset < Images; offset += 1000)
            source.AddRange((await http.GetFromJsonAsync<JsonElement>($"/api/datasets/fashion/images?offset={offset}&limit=1000")).GetProperty("images").EnumerateArray().Select(i => i.GetProperty("hash").GetString()!));
        var made = (await http.GetFromJsonAsync<JsonElement>("/api/datasets/lassoed/images?limit=1000")).GetProperty("images").EnumerateArray().Select(i => i.GetProperty("hash").GetString()!).ToList();
        Assert.Equal(expected.Select(i => source[i]), made);
        var versions = await http.GetFromJsonAsync<JsonElement>("/api/datasets/lassoed/versions");
        Assert.Equal("select", versions[0].GetProperty("operation").GetString());
    }

    private static bool Near(double a, double b) => Math.Abs(a - b) < 1.5;

    private static async Task RolesAsync(IPage page, string url, AccountStore accounts)
    {
        accounts.AddUser("bea", UserRole.Member, "bea-password-1");
        await page.GotoAsync(url + "/#/admin");
        await page.ReloadAsync(); // the tokens step ended on this page: draw it afresh with the new user
        var role = page.Locator("select.user-role-set[data-user='bea']");
        await Assertions.Expect(role).ToHaveValueAsync("member");
        await role.SelectOptionAsync("admin");
        // The page is drawn again from the server's answer: the row then carries the stored role.
        await Assertions.Expect(page.Locator("#users tr[data-user='bea'][data-role='admin']")).ToHaveCountAsync(1);
        Assert.Equal(UserRole.Admin, accounts.Find("bea")!.Role);
        // The last admin cannot be demoted: bea goes back to member, then ada (now the only admin) tries to demote herself.
        await page.Locator("select.user-role-set[data-user='bea']").SelectOptionAsync("member");
        await Assertions.Expect(page.Locator("#users tr[data-user='bea'][data-role='member']")).ToHaveCountAsync(1);
        await page.Locator("select.user-role-set[data-user='ada']").SelectOptionAsync("member");
        await Assertions.Expect(page.Locator("#users-message")).ToContainTextAsync("only admin");
        await Assertions.Expect(page.Locator("#users tr[data-user='ada'][data-role='admin']")).ToHaveCountAsync(1);
        Assert.Equal(UserRole.Admin, accounts.Find("ada")!.Role);
    }

    private static async Task NarrowAsync(IBrowserContext wide, string url, string shots, string model)
    {
        var state = await wide.StorageStateAsync();
        await using var context = await wide.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 375, Height = 812 }, StorageState = state,
        });
        var page = await context.NewPageAsync();
        var pages = new (string Hash, string Ready)[]
        {
            ("#/home", "#home-jobs"), ("#/datasets", "#datasets"), ("#/dataset/fashion", "#split-submit"), ("#/browse/fashion", "#grid a.btile"),
            ("#/image/fashion/3", "#image-truth[data-loaded='true']"), ("#/map/fashion", "#map-canvas"), ("#/jobs", "#jobs"), ("#/models", "#models"), ($"#/model/{model}", "#confusion"),
            ("#/train", "#train-task"), ("#/import", "#import-submit"), ("#/projects", "#project-submit"), ("#/admin", "#tokens"), ("#/labels", "form"),
        };
        foreach (var (hash, ready) in pages)
        {
            await page.GotoAsync($"{url}/{hash}");
            await Assertions.Expect(page.Locator(ready).First).ToBeAttachedAsync();
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            int doc = widths[0], viewport = widths[1];
            string name = hash.TrimStart('#', '/').Replace('/', '-');
            await BrowserSite.ShotAsync(page, $"webapp-375-{name}.png");
            Assert.True(doc == viewport, $"{hash}: document width {doc} px at a {viewport} px viewport");
        }
    }
}
