using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Browse;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Browse;

/// <summary>The images query against real SQLite: every answer is compared with the same filter and sort done in memory over the snapshot.</summary>
public class ImageBrowserTests
{
    private static readonly DatasetRef Set = new("mix", null);

    /// <summary>40 images: every 7th unlabelled, others tagged cat/dog/bird by i % 3, every 4th labelled one also has i % 4 + 1 boxes of "car".</summary>
    private static async Task SeedAsync(Workspace ws)
    {
        var items = Enumerable.Range(0, 40).Select(i =>
        {
            var bytes = TestImages.Jpeg(24 + i, 16, 1000 + i, 70);
            string name = $"{(i % 2 == 0 ? "even" : "odd")}_{i:000}.jpg";
            if (i % 7 == 6) return Image(name, bytes);
            string tag = (i % 3) switch { 0 => "cat", 1 => "dog", _ => "bird" };
            var boxes = i % 4 == 0 ? Enumerable.Range(0, i % 4 + 1 + i % 3).Select(k => ("car", Box(k, k, k + 5, k + 5))).ToArray() : [];
            return Labelled(name, bytes, boxes) with { Tags = [tag] };
        }).ToArray();
        await ws.ImportAsync("mix", items);
    }

    [Fact]
    public async Task Query_FiltersSortsAndPagesLikeTheSameQueryInMemory()
    {
        using var t = new TempWorkspace();
        await SeedAsync(t.Workspace);
        var browser = new ImageBrowser(t.Workspace);
        var all = t.Workspace.OpenSnapshot(Set).Images.Select((img, i) => (img, i)).ToList();

        var first = browser.Query(Set, new ImageQuery { Limit = 15 });
        Assert.Equal(40, first.Total);
        Assert.Equal(all.Take(15).Select(x => x.img.FileName), first.Images.Select(b => b.Image.FileName));
        var last = browser.Query(Set, new ImageQuery { Offset = 30, Limit = 15 });
        Assert.Equal(10, last.Images.Count);
        Assert.Equal(30, last.Images[0].Index);

        var cats = browser.Query(Set, new ImageQuery { Label = "cat", Limit = 100 });
        var expectedCats = all.Where(x => x.img.Tags.Contains("cat")).Select(x => x.img.FileName).ToList();
        Assert.Equal(expectedCats.Count, cats.Total);
        Assert.Equal(expectedCats, cats.Images.Select(b => b.Image.FileName));
        Assert.All(cats.Images, b => Assert.Equal(["cat"], b.Image.Tags));

        var cars = browser.Query(Set, new ImageQuery { Label = "car", Sort = "box_count", Order = "desc", Limit = 100 });
        var expectedCars = all.Where(x => x.img.Objects.Count > 0)
            .OrderByDescending(x => x.img.Objects.Count).ThenByDescending(x => x.i).Select(x => x.img.FileName).ToList();
        Assert.NotEmpty(expectedCars);
        Assert.Equal(expectedCars, cars.Images.Select(b => b.Image.FileName));
        Assert.Equal(all.Where(x => x.img.Objects.Count > 0).Max(x => x.img.Objects.Count), cars.Images[0].Objects);

        var unlabelled = browser.Query(Set, new ImageQuery { State = "unlabelled" });
        Assert.Equal(all.Count(x => !x.img.IsLabelled), unlabelled.Total);
        Assert.All(unlabelled.Images, b => Assert.False(b.Image.IsLabelled));

        var odd = browser.Query(Set, new ImageQuery { Text = "ODD_", Sort = "width", Order = "desc", Limit = 5 });
        Assert.Equal(20, odd.Total);
        Assert.Equal(all.Where(x => x.img.FileName.StartsWith("odd_", StringComparison.Ordinal)).OrderByDescending(x => x.img.Width).Take(5).Select(x => x.img.FileName),
            odd.Images.Select(b => b.Image.FileName));

        var twoPlus = browser.Query(Set, new ImageQuery { Field = "box_count", Min = 2, State = "labelled" });
        Assert.Equal(all.Count(x => x.img.Objects.Count >= 2), twoPlus.Total);
        Assert.Equal(0, browser.Query(Set, new ImageQuery { Text = "100%_" }).Total); // LIKE wildcards are literal
    }

    [Fact]
    public async Task RecordedFields_AreKeptAsRuns_AndTheLatestIsSortableAndFilterable()
    {
        using var t = new TempWorkspace();
        await SeedAsync(t.Workspace);
        var browser = new ImageBrowser(t.Workspace);
        var old = browser.RecordFieldRun(Set, "uniqueness", "test", new { k = 3 }, null, Enumerable.Range(0, 40).ToDictionary(i => i, i => (double)i));
        var run = browser.RecordFieldRun(Set, "uniqueness", "test", new { k = 5 }, "m1",
            Enumerable.Range(0, 30).ToDictionary(i => i, i => (double)((i * 7) % 30)));
        Assert.True(run.Id > old.Id);
        Assert.Equal(2, browser.FieldRuns(Set).Count);

        var page = browser.Query(Set, new ImageQuery { Sort = "uniqueness", Order = "desc", Limit = 40 });
        Assert.Equal(29.0, page.Images[0].Fields["uniqueness"]);
        Assert.Null(page.Images[^1].Fields["uniqueness"]); // images without a value come last
        var high = browser.Query(Set, new ImageQuery { Field = "uniqueness", Min = 25 });
        Assert.Equal(5, high.Total);
        Assert.All(high.Images, b => Assert.True(b.Fields["uniqueness"] >= 25));

        var unknown = Assert.Throws<SeerException>(() => browser.Query(Set, new ImageQuery { Sort = "mistakenness" }));
        Assert.Contains("uniqueness", unknown.Message, StringComparison.Ordinal);
        var outside = Assert.Throws<SeerException>(() => browser.RecordFieldRun(Set, "x", "test", null, null, new Dictionary<int, double> { [40] = 1 }));
        Assert.Contains("outside", outside.Message, StringComparison.Ordinal);
        Assert.Equal(2, browser.FieldRuns(Set).Count);
        Assert.Throws<SeerException>(() => browser.Query(Set, new ImageQuery { Limit = 0 }));
        Assert.Throws<SeerException>(() => browser.Query(Set, new ImageQuery { State = "maybe" }));
    }
}
