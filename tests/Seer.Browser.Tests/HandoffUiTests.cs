using System.IO.Compression;
using System.Xml.Linq;
using Microsoft.Playwright;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;

namespace Seer.Browser.Tests;

/// <summary>
/// A project round labelled through the CVAT hand-off, completed from the web UI in Debian's chromium against a real
/// Kestrel: the iteration job (no oracle, tool cvat) mines 10 of 80 real Fashion-MNIST images and ends "waiting"; the
/// project page offers the task as a zip (downloaded: annotations.xml + the 10 images); the labeller's work is done
/// on the XML (8 images tagged, as CVAT exports them) and the XML alone is uploaded on the project page; the round
/// continues as a job that merges the 8 labels, trains and evaluates. The same finished task, zipped with its images,
/// is then read back by the Import page as a "cvat-task". Screenshots: TestResults/screenshots/h1-… at the repository root.
/// </summary>
public sealed class HandoffUiTests
{
    private const string Password = "handoff-password-1";

    [Fact]
    public async Task ARoundWaitingOnCvat_IsDownloadedAndCompletedFromTheProjectPage_AndTheImportPageReadsTheTask()
    {
        string home = TestPaths.TempDir();
        string shots = BrowserSite.Shots;
        await using var site = await BrowserSite.StartAsync(home);
        string url = site.Url;
        site.Accounts.AddUser("grace", UserRole.Member, Password);
        var truth = await PrepareWaitingRoundAsync(site);
        var ws = site.Service<Workspace>();

        var context = await site.NewContextAsync(downloads: true);
        var page = await context.NewPageAsync();
        await BrowserSite.WalkAsync(page, "h-failure.png", async () =>
        {
            // the project page asks to sign in first, then comes back to it
            await page.GotoAsync(url + "/#/project/fashion");
            await BrowserSite.SignInAsync(page, "grace", Password);
            // signing in hashes the password: slow on a loaded machine (a wait, not a speed assertion)
            await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("grace (member)", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#iterations tr[data-round='1']")).ToContainTextAsync("waiting");
            await Assertions.Expect(page.Locator("#handoff-summary")).ToContainTextAsync("10 picked images were written as a CVAT task for fashion-labels-r1");
            await BrowserSite.ShotAsync(page, "h1-waiting.png");

            // the package: the task folder as a zip
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#handoff-download").ClickAsync());
            Assert.Equal("fashion-round-1-cvat-task.zip", download.SuggestedFilename);
            string package = Path.Combine(home, "package.zip");
            await download.SaveAsAsync(package);
            XDocument xml;
            using (var zip = ZipFile.OpenRead(package))
            {
                Assert.Equal(10, zip.Entries.Count(e => e.FullName.StartsWith("images/", StringComparison.Ordinal) && e.FullName.EndsWith(".png", StringComparison.Ordinal)));
                using var stream = zip.GetEntry("annotations.xml")!.Open();
                xml = XDocument.Load(stream);
            }

            // the labeller's work, as CVAT exports it: a tag on 8 of the 10 images; 2 left untouched stay unlabelled
            var images = xml.Root!.Elements("image").ToList();
            Assert.Equal(10, images.Count);
            var tagged = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var image in images.Take(8))
            {
                string name = image.Attribute("name")!.Value;
                image.Elements("tag").Remove();
                image.Add(new XElement("tag", new XAttribute("label", truth[name]), new XAttribute("source", "manual")));
                tagged[name] = truth[name];
            }
            string finished = Path.Combine(home, "annotations.xml");
            xml.Save(finished);

            await page.Locator("#handoff-file").SetInputFilesAsync(finished);
            await page.Locator("#handoff-upload").ClickAsync();
            await Assertions.Expect(page.Locator("#handoff-result")).ToContainTextAsync("Imported 8 labelled of 10 images into fashion-labels-r1@");
            await BrowserSite.ShotAsync(page, "h2-uploaded.png");
            await page.Locator("#handoff-result a").ClickAsync();
            await Assertions.Expect(page.Locator("#job-state")).ToHaveTextAsync("succeeded", new() { Timeout = 600_000 });
            await page.GotoAsync(url + "/#/project/fashion");
            await Assertions.Expect(page.Locator("#iterations tr[data-round='1'] td").Nth(1)).ToHaveTextAsync("done");
            await Assertions.Expect(page.Locator("#iterations tr[data-round='1'] td").Nth(4)).ToHaveTextAsync("48");
            await Assertions.Expect(page.Locator("#handoff-summary")).ToHaveCountAsync(0);
            await BrowserSite.ShotAsync(page, "h3-round-done.png");

            // the merged training set holds exactly the 8 tags given in the export
            var labels = ws.OpenSnapshot(DatasetRef.Parse("fashion-labels-r1"));
            Assert.Equal(tagged.OrderBy(p => p.Key), labels.Images.Where(i => i.IsLabelled).ToDictionary(i => i.FileName, i => Assert.Single(i.Tags)).OrderBy(p => p.Key));
            var lineage = ws.Log(DatasetRef.Parse("fashion-labels-r1"));
            Assert.Equal("import", lineage[0].Operation);
            var train = ws.OpenSnapshot(DatasetRef.Parse("fashion-train"));
            Assert.Equal(48, train.Images.Count(i => i.IsLabelled));

            // the Import page reads the same finished task, zipped with its images, as a cvat-task
            string result = Path.Combine(home, "finished-task.zip");
            using (var zip = ZipFile.Open(result, ZipArchiveMode.Create))
            using (var source = ZipFile.OpenRead(package))
            {
                foreach (var entry in source.Entries.Where(e => e.FullName != "annotations.xml"))
                {
                    await using var to = zip.CreateEntry(entry.FullName).Open();
                    await using var from = entry.Open();
                    await from.CopyToAsync(to);
                }
                zip.CreateEntryFromFile(finished, "annotations.xml");
            }
            await page.GotoAsync(url + "/#/import");
            await page.Locator("#import-dataset").FillAsync("cvat-result");
            await page.Locator("#import-format").SelectOptionAsync("cvat-task");
            await page.Locator("#import-file").SetInputFilesAsync(result);
            await page.Locator("#import-submit").ClickAsync();
            await Assertions.Expect(page.Locator("#import-report")).ToContainTextAsync("Imported 10 images into cvat-result (8 labelled", new() { Timeout = 120_000 });
            await BrowserSite.ShotAsync(page, "h4-import-page.png");
            var imported = ws.OpenSnapshot(DatasetRef.Parse("cvat-result"));
            Assert.Equal(tagged.OrderBy(p => p.Key), imported.Images.Where(i => i.IsLabelled).ToDictionary(i => i.FileName, i => Assert.Single(i.Tags)).OrderBy(p => p.Key));
        });
    }

    /// <summary>
    /// 160 Fashion-MNIST test images as "f"; f-train 40 / f-val 40 / f-pool 80 unlabelled; project "fashion" of grace whose
    /// round 1 (tiny network) mined 10 picks and waits on a CVAT hand-off. Returns file name → true label.
    /// </summary>
    private static async Task<Dictionary<string, string>> PrepareWaitingRoundAsync(BrowserSite site)
    {
        var all = await FashionProject.CreateAsync(site, "grace");
        var waiting = await FashionProject.RunJobAsync(site, "iteration", new
        {
            project = "fashion", round = 1, tool = "cvat", strategy = "entropy", topk = 10, epochs = 1, image_size = 32, batch_size = 8, width = 8,
            max_batches_per_epoch = 3,
        }, "grace", TimeSpan.FromMinutes(5));
        Assert.True(waiting.State == JobState.Waiting, $"{waiting.State}: {waiting.Error}");
        return all.Images.ToDictionary(i => i.FileName, i => i.Tags[0], StringComparer.Ordinal);
    }
}
