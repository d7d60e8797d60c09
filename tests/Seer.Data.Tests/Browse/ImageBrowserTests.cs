using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Browse;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Browse;

/// <summary>The images query against real SQLite and real PostgreSQL (<see cref="TempWorkspace.Backends"/>): every answer is compared with the same filter and sort done in memory over the snapshot.</summary>
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

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Query_FiltersSortsAndPagesLikeTheSameQueryInMemory(string backend)
    {
        using var t = new TempWorkspace(backend);
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

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task RecordedFields_AreKeptAsRuns_AndTheLatestIsSortableAndFilterable(string backend)
    {
        using var t = new TempWorkspace(backend);
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

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task LabelSortedByField_AndTheVersionsOrder_AnswerFromIndexRanges_LikeTheSameQueryInMemory(string backend)
    {
        using var t = new TempWorkspace(backend);
        await SeedAsync(t.Workspace);
        var browser = new ImageBrowser(t.Workspace);
        // Values with ties for 30 of the 40 images (the rest have none): ties break by index, images without a value come last.
        var values = Enumerable.Range(0, 30).ToDictionary(i => i, i => (double)((i * 7) % 30 % 6));
        browser.RecordFieldRun(Set, "score", "test", null, null, values);
        var all = t.Workspace.OpenSnapshot(Set).Images.Select((img, i) => (img, i)).ToList();

        foreach (string label in new[] { "cat", "car", "bird" })
            foreach (bool desc in new[] { false, true })
            {
                var carrying = all.Where(x => x.img.Tags.Contains(label) || x.img.Objects.Any(o => o.Label == label)).ToList();
                var withValue = carrying.Where(x => values.ContainsKey(x.i));
                var ordered = (desc ? withValue.OrderByDescending(x => values[x.i]).ThenByDescending(x => x.i) : withValue.OrderBy(x => values[x.i]).ThenBy(x => x.i))
                    .Concat(desc ? carrying.Where(x => !values.ContainsKey(x.i)).OrderByDescending(x => x.i) : carrying.Where(x => !values.ContainsKey(x.i)).OrderBy(x => x.i))
                    .Select(x => x.i).ToList();
                Assert.True(ordered.Count > 3, label);
                string order = desc ? "desc" : "asc";
                // Pages of 3 across the boundary between images with and without a value, fast path and general path
                // (a file-name filter every image passes forces the general SQL) against the same order in memory.
                for (int offset = 0; offset <= ordered.Count; offset += 3)
                {
                    var fast = browser.Query(Set, new ImageQuery { Label = label, Sort = "score", Order = order, Offset = offset, Limit = 3 });
                    var general = browser.Query(Set, new ImageQuery { Label = label, Sort = "score", Order = order, Offset = offset, Limit = 3, Text = ".jpg" });
                    Assert.Equal(ordered.Count, fast.Total);
                    Assert.Equal(ordered.Skip(offset).Take(3), fast.Images.Select(b => b.Index));
                    Assert.Equal(general.Images.Select(b => b.Index), fast.Images.Select(b => b.Index));
                    Assert.Equal(general.Total, fast.Total);
                }
                var bounded = browser.Query(Set, new ImageQuery { Label = label, Sort = "score", Order = order, Field = "score", Min = 2, Max = 4, Limit = 100 });
                var expected = ordered.Where(i => values.TryGetValue(i, out double v) && v is >= 2 and <= 4).ToList();
                Assert.Equal(expected.Count, bounded.Total);
                Assert.Equal(expected, bounded.Images.Select(b => b.Index));
            }

        // The version's order unfiltered: the page's indices are the offsets (both orders), and past the end is empty.
        Assert.Equal(Enumerable.Range(37, 3), browser.Query(Set, new ImageQuery { Offset = 37, Limit = 10 }).Images.Select(b => b.Index));
        Assert.Equal([39, 38], browser.Query(Set, new ImageQuery { Order = "desc", Limit = 2 }).Images.Select(b => b.Index));
        Assert.Equal([1, 0], browser.Query(Set, new ImageQuery { Order = "desc", Offset = 38, Limit = 5 }).Images.Select(b => b.Index));
        var past = browser.Query(Set, new ImageQuery { Offset = 40 });
        Assert.Empty(past.Images);
        Assert.Equal(40, past.Total);
        Assert.Equal(all[5].img.FileName, browser.Query(Set, new ImageQuery { Offset = 5, Limit = 1 }).Images[0].Image.FileName);
    }

    [Fact]
    public async Task Postgres_TheIndexAndFieldRunsLiveInTheDatabase_NotInTheLocalSeerDb()
    {
        using var t = new TempWorkspace("postgres");
        await SeedAsync(t.Workspace);
        var browser = new ImageBrowser(t.Workspace);
        browser.RecordFieldRun(Set, "score", "test", null, null, new Dictionary<int, double> { [0] = 1, [4] = 2 });
        Assert.Equal(2, browser.Query(Set, new ImageQuery { Field = "score", Min = 0 }).Total);

        long Count(string sql) => Seer.Tests.Shared.ScaleServices.Scalar(t.Database!, sql);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM browse_migrations WHERE version = 1"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM field_runs"));
        Assert.Equal(2, Count("SELECT COUNT(*) FROM field_values"));
        Assert.Equal(40, Count("SELECT COUNT(*) FROM browse_image_facts"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM browse_indexed"));
        Assert.Equal(0, Seer.Tests.Shared.ScaleServices.LocalTables(t.Home, "field_runs", "browse_indexed"));

        // Another process (a fresh workspace folder on the same database) sees the run and the index.
        string otherHome = Path.Combine(Path.GetTempPath(), "seer-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var other = Workspace.Open(otherHome, null, t.Database);
            var second = new ImageBrowser(other);
            Assert.Single(second.FieldRuns(Set));
            Assert.Equal([0, 4], second.Query(Set, new ImageQuery { Field = "score", Min = 0 }).Images.Select(b => b.Index));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(otherHome, recursive: true);
        }
    }
}
