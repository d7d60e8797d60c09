using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using OpenCvSharp;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Data;
using Seer.Hosting.Accounts;

namespace Seer.Browser.Tests;

/// <summary>
/// The annotation tool in Debian's chromium against a real Kestrel, driven with the mouse and the keyboard: a labeller
/// draws three boxes (two drags, one two-click box), changes a class by hotkey, undoes and redoes, accepts two model
/// boxes and rejects one, submits; the reviewer rejects an image with a comment; the labeller fixes it (resize handle)
/// and submits again; the reviewer accepts and commits. The committed version holds exactly the expected boxes, to the
/// pixel, and its lineage names the task. Screenshots: TestResults/screenshots/l1-… at the repository root.
/// </summary>
public sealed class LabelingUiTests
{
    private const string Password = "labelling-password-1";

    [Fact]
    public async Task ALabellerDrawsAcceptsAndSubmits_TheReviewerRejectsOnce_TheFixedTaskCommitsExactlyTheseBoxes()
    {
        await using var site = await BrowserSite.StartAsync();
        string url = site.Url, shots = BrowserSite.Shots;
        var accounts = site.Accounts;
        accounts.AddUser("mia", UserRole.Member, Password);
        accounts.AddUser("lena", UserRole.Labeller, Password);
        accounts.AddUser("rita", UserRole.Labeller, Password);
        var ws = site.Service<Workspace>();
        var source = CommitImages(ws);
        using var http = site.Api("mia");
        var created = await http.PostAsJsonAsync("/api/labeling/tasks", new { dataset = "street", assignees = new[] { "lena" }, reviewer = "rita", into = "street-labelled" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        long task = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var lena = await site.NewPageAsync();
        var rita = await site.NewPageAsync();
        await BrowserSite.WalkAsync(rita, "l-failure-reviewer.png", () => BrowserSite.WalkAsync(lena, "l-failure-labeller.png", async () =>
        {
            await LogInAsync(lena, url, "lena");
            await LabelAsync(lena, task, shots);
            await LogInAsync(rita, url, "rita");
            await ReviewRejectingImageZeroAsync(rita, task, shots);
            await FixAsync(lena, url, task, shots);
            await AcceptAndCommitAsync(rita, url, task, shots);
        }));

        var labelled = ws.OpenSnapshot(DatasetRef.Parse("street-labelled"));
        string Boxes(string file) => string.Join(" ", labelled.Images.Single(i => i.FileName == file).Objects
            .Select(o => $"{o.Label}[{o.Box.X1},{o.Box.Y1},{o.Box.X2},{o.Box.Y2}]"));
        Assert.Equal(2, labelled.Images.Count);
        Assert.Equal("bird[300,200,360,260] cat[20,300,90,400] dog[500,20,600,120] cat[10,10,110,90] dog[200,50,300,150]", Boxes("street-0.png"));
        Assert.Equal("cat[100,100,200,200]", Boxes("street-1.png"));
        Assert.All(labelled.Images.SelectMany(i => i.Objects), o => Assert.Equal(AnnotationSource.GroundTruth, o.Source));
        var lineage = ws.Log(DatasetRef.Parse("street-labelled"));
        Assert.Equal("label", lineage[0].Operation);
        Assert.Equal([source.Version], lineage[0].Parents.ToArray());
        Assert.Equal(task, JsonDocument.Parse(lineage[0].ParametersJson).RootElement.GetProperty("task").GetInt64());
        Assert.Contains(lineage, v => v.Version == source.Version);
    }

    private static async Task LogInAsync(IPage page, string url, string user)
    {
        await page.GotoAsync(url + "/#/login");
        await BrowserSite.SignInAsync(page, user, Password);
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync($"{user} (labeller)");
        // a labeller lands on its tasks, whatever it asked for
        await Assertions.Expect(page.Locator("#labeling-tasks tr[data-task]")).ToHaveCountAsync(1);
    }

    private static async Task LabelAsync(IPage page, long task, string shots)
    {
        await page.Locator($"#labeling-tasks tr[data-task='{task}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#task-counts")).ToContainTextAsync("0 of 2 accepted");
        await page.Locator("#open-tool").ClickAsync();
        await Assertions.Expect(page.Locator("#label-title")).ToContainTextAsync("street-0.png");
        await Assertions.Expect(page.Locator("#prediction-list .prediction")).ToHaveCountAsync(3);
        var at = await ViewAsync(page);

        await DragAsync(page, at, (300, 200), (360, 260));          // box 1: a drag, class cat (the first class)
        await page.Keyboard.PressAsync("Escape");
        await ClickAsync(page, at, (20, 300));                       // box 2: two clicks
        await ClickAsync(page, at, (80, 380));
        await DragAsync(page, at, (500, 20), (600, 120));            // box 3: a drag, then hotkey 2 = dog
        await page.Keyboard.PressAsync("2");
        await ClickAsync(page, at, (330, 230));                      // select box 1, hotkey 3 = bird
        await page.Keyboard.PressAsync("3");
        await ExpectObjectsAsync(page, "bird 300,200,360,260", "cat 20,300,80,380", "dog 500,20,600,120");
        await page.Keyboard.PressAsync("Control+z");
        await ExpectObjectsAsync(page, "cat 300,200,360,260", "cat 20,300,80,380", "dog 500,20,600,120");
        await page.Keyboard.PressAsync("Control+Shift+z");
        await ExpectObjectsAsync(page, "bird 300,200,360,260", "cat 20,300,80,380", "dog 500,20,600,120");

        await ClickAsync(page, at, (60, 50));                        // accept the cat offer with a click
        await page.Keyboard.PressAsync("Enter");                     // accept the focused offer (dog 0.80)
        await Assertions.Expect(page.Locator("#prediction-list .prediction")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("x");                         // reject the last one (bird 0.40)
        await Assertions.Expect(page.Locator("#prediction-list .prediction")).ToHaveCountAsync(0);
        await ExpectObjectsAsync(page, "bird 300,200,360,260", "cat 20,300,80,380", "dog 500,20,600,120", "cat 10,10,110,90", "dog 200,50,300,150");
        await Assertions.Expect(page.Locator("#label-save")).ToHaveTextAsync("saved");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "l1-labelled.png") });

        // a reload loses nothing: the draft is on the server, still in progress
        await page.ReloadAsync();
        await ExpectObjectsAsync(page, "bird 300,200,360,260", "cat 20,300,80,380", "dog 500,20,600,120", "cat 10,10,110,90", "dog 200,50,300,150");
        await Assertions.Expect(page.Locator("#label-state")).ToHaveTextAsync("in_progress");

        await PanAsync(page);

        await page.Keyboard.PressAsync("s");                         // submit → the next image
        await Assertions.Expect(page.Locator("#label-title")).ToContainTextAsync("street-1.png");
        at = await ViewAsync(page);
        await DragAsync(page, at, (100, 100), (200, 200));
        await ExpectObjectsAsync(page, "cat 100,100,200,200");
        await page.Keyboard.PressAsync("s");
        await Assertions.Expect(page.Locator("#label-done")).ToBeVisibleAsync();
    }

    private static async Task ReviewRejectingImageZeroAsync(IPage page, long task, string shots)
    {
        await page.Locator($"#labeling-tasks tr[data-task='{task}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#task-counts")).ToContainTextAsync("2 submitted");
        await page.Locator("#open-review").ClickAsync();
        await Assertions.Expect(page.Locator("#label-title")).ToContainTextAsync("street-0.png");
        await ExpectObjectsAsync(page, "bird 300,200,360,260", "cat 20,300,80,380", "dog 500,20,600,120", "cat 10,10,110,90", "dog 200,50,300,150");
        await page.Keyboard.PressAsync("r");
        await page.Keyboard.TypeAsync("the lower cat box cuts off its tail");
        await page.Locator("#review-reject").ClickAsync();
        await Assertions.Expect(page.Locator("#label-title")).ToContainTextAsync("street-1.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "l2-review.png") });
        await page.Locator("#label-canvas").FocusAsync();
        await page.Keyboard.PressAsync("y");
        await Assertions.Expect(page.Locator("#review-done")).ToBeVisibleAsync();
    }

    private static async Task FixAsync(IPage page, string url, long task, string shots)
    {
        await page.GotoAsync($"{url}/#/label/{task}");
        await Assertions.Expect(page.Locator("#task-items tr[data-image='0']")).ToContainTextAsync("the lower cat box cuts off its tail");
        await page.Locator("#open-tool").ClickAsync();
        await Assertions.Expect(page.Locator("#reject-comment")).ToContainTextAsync("the lower cat box cuts off its tail");
        var at = await ViewAsync(page);
        await ClickAsync(page, at, (50, 340));                       // select the lower cat box
        await DragAsync(page, at, (80, 380), (90, 400));             // its bottom-right handle
        await ExpectObjectsAsync(page, "bird 300,200,360,260", "cat 20,300,90,400", "dog 500,20,600,120", "cat 10,10,110,90", "dog 200,50,300,150");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "l3-fixed.png") });
        await page.Keyboard.PressAsync("s");
        await Assertions.Expect(page.Locator("#label-title")).ToContainTextAsync("street-1.png");
        await page.GotoAsync($"{url}/#/label/{task}");
        await Assertions.Expect(page.Locator("#task-counts")).ToContainTextAsync("1 of 2 accepted — 1 submitted, 1 accepted");
    }

    private static async Task AcceptAndCommitAsync(IPage page, string url, long task, string shots)
    {
        await page.GotoAsync($"{url}/#/label/{task}");
        await Assertions.Expect(page.Locator("#task-counts")).ToContainTextAsync("1 of 2 accepted");
        // committing now is refused with the count
        await page.Locator("#commit-task").ClickAsync();
        await Assertions.Expect(page.Locator("#task-message")).ToContainTextAsync("1 of 2 images are not accepted yet (1 submitted)");
        await page.Locator("#open-review").ClickAsync();
        await Assertions.Expect(page.Locator("#label-title")).ToContainTextAsync("street-0.png");
        await page.Locator("#review-accept").ClickAsync();
        await Assertions.Expect(page.Locator("#review-done")).ToBeVisibleAsync();
        await page.GotoAsync($"{url}/#/label/{task}");
        await Assertions.Expect(page.Locator("#task-counts")).ToContainTextAsync("2 of 2 accepted");
        await page.Locator("#commit-task").ClickAsync();
        await Assertions.Expect(page.Locator("#commit-result")).ToContainTextAsync("Committed street-labelled@");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "l4-committed.png") });
    }

    /// <summary>
    /// Space + drag pans by exactly the drag; a pan frame copies the cached scene, and what it shows is pixel for pixel
    /// what the full redraw at rest shows (checked in the page, where the two frames can be read back to back).
    /// </summary>
    private static async Task PanAsync(IPage page)
    {
        var canvas = page.Locator("#label-canvas");
        var box = (await canvas.BoundingBoxAsync())!;
        string ox = (await canvas.GetAttributeAsync("data-ox"))!, oy = (await canvas.GetAttributeAsync("data-oy"))!;
        float x = MathF.Round(box.X + 20), y = MathF.Round(box.Y + 20);
        await page.Mouse.MoveAsync(x, y);
        await page.Keyboard.DownAsync(" ");
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x + 30, y + 12, new MouseMoveOptions { Steps = 3 });
        await page.Mouse.UpAsync();
        await page.Keyboard.UpAsync(" ");
        string Shift(string v, int d) => (double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) + d).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-ox", Shift(ox, 30));
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-oy", Shift(oy, 12));
        var check = await page.EvaluateAsync<JsonElement>(@"async () => {
            const c = window.seerLabelCanvas, g = c.canvas.getContext('2d');
            const frame = () => new Promise(r => requestAnimationFrame(() => r()));
            const pixels = () => g.getImageData(0, 0, c.canvas.width, c.canvas.height).data;
            const before = c.stats.blits;
            c.panBy(-30, -12); await frame();
            const copied = pixels(), blitted = c.stats.blits - before;
            c.request('rest'); await frame();
            const full = pixels();
            let differ = 0; for (let i = 0; i < full.length; i++) if (full[i] !== copied[i]) differ++;
            return { blitted, differ, values: full.length }; }");
        Assert.True(check.GetProperty("blitted").GetInt32() >= 1, check.ToString());
        Assert.Equal(0, check.GetProperty("differ").GetInt32());
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-ox", ox);
    }

    private sealed record View(float X, float Y, float Scale);

    /// <summary>Where image pixel (0, 0) is on the page and the zoom, from the canvas's data attributes.</summary>
    private static async Task<View> ViewAsync(IPage page)
    {
        var canvas = page.Locator("#label-canvas");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-scale", "1");
        var box = (await canvas.BoundingBoxAsync())!;
        double ox = double.Parse((await canvas.GetAttributeAsync("data-ox"))!, System.Globalization.CultureInfo.InvariantCulture);
        double oy = double.Parse((await canvas.GetAttributeAsync("data-oy"))!, System.Globalization.CultureInfo.InvariantCulture);
        return new View((float)(box.X + ox), (float)(box.Y + oy), 1);
    }

    // whole page pixels: the browser reports whole-pixel mouse positions, so the point is rounded here and the tool's own
    // rounding to image pixels then lands exactly on (X, Y) wherever the canvas sits
    private static (float X, float Y) On(View at, (int X, int Y) p) => (MathF.Round(at.X + p.X), MathF.Round(at.Y + p.Y));

    private static async Task ClickAsync(IPage page, View at, (int X, int Y) p) { var (x, y) = On(at, p); await page.Mouse.ClickAsync(x, y); }

    private static async Task DragAsync(IPage page, View at, (int X, int Y) from, (int X, int Y) to)
    {
        var (x1, y1) = On(at, from);
        var (x2, y2) = On(at, to);
        await page.Mouse.MoveAsync(x1, y1);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x2, y2, new MouseMoveOptions { Steps = 6 });
        await page.Mouse.UpAsync();
    }

    private static async Task ExpectObjectsAsync(IPage page, params string[] expected)
    {
        var list = page.Locator("#object-list li");
        await Assertions.Expect(list).ToHaveCountAsync(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            string[] parts = expected[i].Split(' ');
            await Assertions.Expect(list.Nth(i)).ToHaveAttributeAsync("data-label", parts[0]);
            await Assertions.Expect(list.Nth(i)).ToHaveAttributeAsync("data-box", parts[1]);
        }
    }

    /// <summary>Two 640x480 PNGs as "street" (classes cat, dog, bird); image 0 carries three model boxes.</summary>
    private static DatasetVersionInfo CommitImages(Workspace ws)
    {
        var images = new List<ImageRecord>();
        for (int i = 0; i < 2; i++)
        {
            using var mat = new Mat(480, 640, MatType.CV_8UC3, new OpenCvSharp.Scalar(40 + 60 * i, 110, 150));
            Cv2.Circle(mat, new OpenCvSharp.Point(320, 240), 60 + 20 * i, new OpenCvSharp.Scalar(230, 230, 230), -1);
            Cv2.ImEncode(".png", mat, out byte[] png);
            using var stream = new MemoryStream(png);
            var put = ws.Blobs.PutAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
            var record = new ImageRecord(put.Sha256, $"street-{i}.png", 640, 480);
            if (i == 0)
                record = record with
                {
                    Objects =
                    [
                        Predicted("cat", 10, 10, 110, 90, 0.9), Predicted("dog", 200, 50, 300, 150, 0.8), Predicted("bird", 400, 300, 500, 400, 0.4),
                    ],
                };
            images.Add(record);
        }
        return ws.CommitVersion("street", images, [], "test-images", null, ["cat", "dog", "bird"]).Version;
    }

    private static ObjectAnnotation Predicted(string label, double x1, double y1, double x2, double y2, double score) =>
        new(label, new BoxXyxy(x1, y1, x2, y2)) { Score = score, Source = AnnotationSource.Predicted };
}
