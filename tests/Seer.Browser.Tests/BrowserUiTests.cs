using System.Net.Http.Json;
using Microsoft.Playwright;
using Seer.Hosting.Accounts;

namespace Seer.Browser.Tests;

/// <summary>
/// Debian's chromium, driven by Playwright, against a real Kestrel on 127.0.0.1 (a free port): log in, import the
/// labelme examples, open the dataset's charts and the gallery, train two small detectors (launcher with the label
/// distribution, live job page), open a model (metrics, curves, PR curves), compare the two, verify an uploaded image
/// with the trained model and a photo with a served face detector.
/// Screenshots go to TestResults/screenshots at the repository root.
/// </summary>
public sealed class BrowserUiTests
{
    private const string Password = "browser-password-1";

    [Fact]
    public async Task LogIn_Import_OpenTheGallery_TrainTwoModels_CompareThem_AndVerifyImages()
    {
        await using var site = await BrowserSite.StartAsync();
        site.Accounts.AddUser("ada", UserRole.Admin, Password);
        // As an admin would: allow imports by path from the shared data folder (PUT /api/settings/AllowedPaths).
        site.Service<SettingsStore>().Set("AllowedPaths", TestPaths.Data(), "ada");
        await RegisterFaceModelAsync(site, "ada");
        var page = await site.NewPageAsync();
        await BrowserSite.WalkAsync(page, "failure.png", () => WalkThroughAsync(page, site.Url, BrowserSite.Shots));
    }

    private static async Task WalkThroughAsync(IPage page, string url, string shots)
    {
        await page.GotoAsync(url + "/");
        await BrowserSite.SignInAsync(page, "ada", "wrong password");
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("wrong user name or password");
        await page.Locator("#login-password").FillAsync(Password);
        await page.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("ada (admin)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "1-datasets-empty.png") });

        await page.GotoAsync(url + "/#/import");
        await page.Locator("#import-dataset").FillAsync("labelme");
        await page.Locator("#import-format").SelectOptionAsync("voc");
        await page.Locator("#import-path").FillAsync(TestPaths.Data("labelme", "bbox_detection", "data_dataset_voc"));
        await page.Locator("#import-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#import-status")).ToContainTextAsync("Imported 3 images into labelme", new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "2-import-done.png") });

        await page.GotoAsync(url + "/#/dataset/labelme");
        await Assertions.Expect(page.Locator("#chart-labels text", new() { HasText = "person" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#lineage circle")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".warn").First).ToBeVisibleAsync();
        await BrowserSite.ShotAsync(page, "3-dataset-stats.png");

        await page.GotoAsync(url + "/#/gallery/labelme");
        await Assertions.Expect(page.Locator("#gallery .tile")).ToHaveCountAsync(3);
        await page.Locator("input[data-label='person']").UncheckAsync();
        await page.Locator("#random-image").ClickAsync();
        await Assertions.Expect(page.Locator("#random canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#gallery canvas[data-loaded='true']")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await BrowserSite.ShotAsync(page, "4-gallery.png");

        await page.GotoAsync(url + "/#/jobs");
        await Assertions.Expect(page.Locator("#jobs .state-succeeded")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "5-jobs.png") });

        // Two small trainings (2 and 1 epochs of one batch at 64 px on the 3 images): the launcher shows the label
        // distribution first; the job page shows the curves live until the job succeeds.
        await TrainAsync(page, url, epochs: 2, name: "tiny-a", shots, "6");
        await page.Locator("#open-model").ClickAsync();
        await Assertions.Expect(page.Locator("#model-summary")).ToContainTextAsync("labelme@");
        await Assertions.Expect(page.Locator("#chart-pr path[data-series]").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("#model-loss circle[data-series]")).ToHaveCountAsync(2);
        await BrowserSite.ShotAsync(page, "8-model.png");
        await TrainAsync(page, url, epochs: 1, name: "tiny-b", shots, "9");

        await page.GotoAsync(url + "/#/models");
        await Assertions.Expect(page.Locator("#models input[data-model]")).ToHaveCountAsync(2);
        await page.Locator("#models input[data-model]").Nth(0).CheckAsync();
        await page.Locator("#models input[data-model]").Nth(1).CheckAsync();
        await BrowserSite.ShotAsync(page, "11-models.png");
        await page.Locator("#compare").ClickAsync();
        await Assertions.Expect(page.Locator("#compare-table th", new() { HasText = "AP50" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#compare-loss circle[data-series]")).ToHaveCountAsync(3); // 2 + 1 epochs
        await BrowserSite.ShotAsync(page, "12-compare.png");

        // Verify the trained model on an uploaded image, at a low threshold (a 2-step model is barely trained).
        await page.GotoAsync(url + "/#/verify/tiny-a");
        await Assertions.Expect(page.Locator("#verify-model")).ToHaveValueAsync("tiny-a");
        await page.Locator("#verify-threshold").FillAsync("0");
        await page.Locator("#verify-file").SetInputFilesAsync(Path.Combine(TestPaths.LabelmeVoc, "JPEGImages", "2011_000003.jpg"));
        await page.Locator("#verify-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("detections at threshold 0", new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('#verify-result canvas').width > 0");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "13-verify-trained.png") });

        await page.GotoAsync(url + "/#/verify");
        // the hash change re-renders the view after fetching the model list: wait for the new, empty result panel
        await Assertions.Expect(page.Locator("#verify-result")).ToBeEmptyAsync();
        await page.Locator("#verify-threshold").FillAsync("0.7");
        await Assertions.Expect(page.Locator("#verify-threshold")).ToHaveValueAsync("0.7");
        await page.Locator("#verify-file").SetInputFilesAsync(TestPaths.Data("faces", "sample5.jpg"));
        await page.Locator("#verify-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("5 detections at threshold 0.7", new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('#verify-result canvas').width > 0");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "14-verify-faces.png") });
    }

    private static async Task TrainAsync(IPage page, string url, int epochs, string name, string shots, string shot)
    {
        await page.GotoAsync(url + "/#/train");
        await page.Locator("#train-dataset").SelectOptionAsync("labelme");
        await Assertions.Expect(page.Locator("#train-labels text", new() { HasText = "person" })).ToHaveCountAsync(1);
        await page.Locator("#train-epochs").FillAsync(epochs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#train-size").FillAsync("64");
        await page.Locator("#train-batch").FillAsync("2");
        await page.Locator("#train-max-batches").FillAsync("1");
        await page.Locator("#train-name").FillAsync(name);
        await BrowserSite.ShotAsync(page, $"{shot}-train-launcher.png");
        await page.Locator("#train-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#job-state")).ToHaveTextAsync("succeeded", new() { Timeout = 900_000 });
        await Assertions.Expect(page.Locator("#chart-loss circle[data-series]")).ToHaveCountAsync(epochs);
        await BrowserSite.ShotAsync(page, $"{int.Parse(shot, System.Globalization.CultureInfo.InvariantCulture) + 1}-training-done.png");
    }

    /// <summary>Serves the face detector of the shared data folder as "faces" (as <paramref name="admin"/>).</summary>
    internal static async Task RegisterFaceModelAsync(BrowserSite site, string admin)
    {
        string manifest = Path.Combine(site.Home, "fr_detect.seer.json");
        await File.WriteAllTextAsync(manifest, """
            {"task": "detect", "class_names": ["face"], "input_width": 320, "input_height": 240, "input_layout": "nchw",
             "channel_order": "rgb", "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
             "output_layout": "boxes_scores", "output_names": ["boxes", "scores"], "box_format": "xyxy",
             "boxes_normalized": true, "background_column": 0}
            """);
        using var http = site.Api(admin);
        var response = await http.PostAsJsonAsync("/api/models", new { name = "faces", onnx_path = TestPaths.Data("faces", "fr_detect.onnx"), manifest_path = manifest });
        response.EnsureSuccessStatusCode();
    }
}
