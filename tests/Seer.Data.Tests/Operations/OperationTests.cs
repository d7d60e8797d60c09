using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Operations;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Operations;

public class OperationTests
{
    private static DatasetRef Ref(string name) => new(name, null);

    /// <summary>A set of <paramref name="n"/> images: label "common" on most, "rare" on every 5th, some unlabelled.</summary>
    private static async Task SeedAsync(Workspace ws, string name, int n, int seedBase = 0)
    {
        var items = Enumerable.Range(0, n).Select(i =>
        {
            var bytes = TestImages.Jpeg(48, 32, seedBase + i, 70);
            if (i % 7 == 6) return Image($"img{i:000}.jpg", bytes);
            string label = i % 5 == 0 ? "rare" : "common";
            return Labelled($"img{i:000}.jpg", bytes, (label, Box(1, 1, 20, 20)));
        }).ToArray();
        await ws.ImportAsync(name, items);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Merge_UnitesImagesAndResolvesConflictsPerStrategy(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        var shared = TestImages.Jpeg(40, 40, 1);
        await ws.ImportAsync("a", Labelled("x.jpg", shared, ("cat", Box(1, 1, 10, 10))), Image("same-name.jpg", TestImages.Jpeg(40, 40, 2)));
        await ws.ImportAsync("b", Labelled("x2.jpg", shared, ("dog", Box(2, 2, 12, 12))), Image("same-name.jpg", TestImages.Jpeg(40, 40, 3)));
        var ops = new DatasetOperations(ws);

        var fail = Assert.Throws<SeerException>(() => ops.Merge([Ref("a"), Ref("b")], "m", MergeConflictStrategy.Fail));
        Assert.Equal(ErrorCodes.Conflict, fail.Code);
        Assert.Contains("x.jpg", fail.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ws.ListDatasets(), d => d.Name == "m");

        var first = ops.Merge([Ref("a"), Ref("b")], "m", MergeConflictStrategy.First);
        var snap = ws.OpenSnapshot(Ref("m"));
        Assert.Equal(3, snap.Images.Count);
        Assert.Equal("cat", snap.Images.Single(i => i.ContentHash == Sha(shared)).Objects.Single().Label);
        Assert.Single(first.Removed);
        Assert.Contains(first.Notes, n => n.Reason.Contains("renamed", StringComparison.Ordinal));
        Assert.Equal(["cat", "dog"], snap.Classes);

        ops.Merge([Ref("a"), Ref("b")], "m2", MergeConflictStrategy.Last);
        Assert.Equal("dog", ws.OpenSnapshot(Ref("m2")).Images.Single(i => i.ContentHash == Sha(shared)).Objects.Single().Label);
        ops.Merge([Ref("a"), Ref("b")], "m3", MergeConflictStrategy.Union);
        Assert.Equal(["cat", "dog"], ws.OpenSnapshot(Ref("m3")).Images.Single(i => i.ContentHash == Sha(shared)).Objects.Select(o => o.Label));
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Merge_LabelledCopyWinsOverUnlabelledWithoutConflict(string backend)
    {
        using var t = new TempWorkspace(backend);
        var bytes = TestImages.Jpeg(40, 40, 4);
        await t.Workspace.ImportAsync("pool", Image("p.jpg", bytes));
        await t.Workspace.ImportAsync("labelled", Labelled("p.jpg", bytes, ("cat", Box(1, 1, 9, 9))));
        new DatasetOperations(t.Workspace).Merge([Ref("pool"), Ref("labelled")], "all", MergeConflictStrategy.Fail);
        var image = t.Workspace.OpenSnapshot(Ref("all")).Images.Single();
        Assert.True(image.IsLabelled);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Filter_KeepsImagesWithTheLabelsAndOnlyThoseObjects(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        await ws.ImportAsync("s",
            Labelled("a.jpg", TestImages.Jpeg(40, 40, 5), ("cat", Box(1, 1, 9, 9)), ("dog", Box(2, 2, 9, 9))),
            Labelled("b.jpg", TestImages.Jpeg(40, 40, 6), ("dog", Box(1, 1, 9, 9))),
            Image("c.jpg", TestImages.Jpeg(40, 40, 7)));
        var ops = new DatasetOperations(ws);
        ops.Filter(Ref("s"), ["cat"], LabelledState.Any, null, "cats");
        var cats = ws.OpenSnapshot(Ref("cats"));
        Assert.Equal("a.jpg", cats.Images.Single().FileName);
        Assert.Equal(["cat"], cats.Images.Single().Objects.Select(o => o.Label));
        Assert.Equal(["cat"], cats.Classes);

        ops.Filter(Ref("s"), null, LabelledState.Unlabelled, null, "pool");
        Assert.Equal("c.jpg", ws.OpenSnapshot(Ref("pool")).Images.Single().FileName);

        var unknown = Assert.Throws<SeerException>(() => ops.Filter(Ref("s"), ["zebra"], LabelledState.Any, null, "z"));
        Assert.Contains("'zebra'", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Filter_ExcludesAnotherVersionsImages(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        await SeedAsync(ws, "all", 20);
        var ops = new DatasetOperations(ws);
        ops.Sample(Ref("all"), 5, null, false, 1, "picked");
        var rest = ops.Filter(Ref("all"), null, LabelledState.Any, [Ref("picked")], "rest");
        var picked = ws.OpenSnapshot(Ref("picked")).Images.Select(i => i.ContentHash).ToHashSet();
        var left = ws.OpenSnapshot(Ref("rest")).Images;
        Assert.Equal(15, left.Count);
        Assert.DoesNotContain(left, i => picked.Contains(i.ContentHash));
        Assert.Equal(5, rest.Removed.Count);
        Assert.Equal(2, rest.Versions[0].Version.Parents.Count);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Sample_IsSeededAndStratifiedKeepsShares(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        await SeedAsync(ws, "all", 70);
        var ops = new DatasetOperations(ws);
        var a = ops.Sample(Ref("all"), 20, null, false, 7, "r1");
        var b = ops.Sample(Ref("all"), 20, null, false, 7, "r2");
        Assert.Equal(Names(ws, "r1"), Names(ws, "r2"));
        Assert.Equal(20, a.Versions[0].Version.ImageCount);
        ops.Sample(Ref("all"), 20, null, false, 8, "r3");
        Assert.NotEqual(Names(ws, "r1"), Names(ws, "r3"));

        // 70 images: 10 unlabelled, 12 "rare" strata members, 48 "common": a 50% stratified sample halves each.
        ops.Sample(Ref("all"), null, 0.5, true, 3, "strat");
        var strata = DatasetOperations.Strata(ws.OpenSnapshot(Ref("strat")).Images).ToDictionary(kv => kv.Key, kv => kv.Value.Count);
        var full = DatasetOperations.Strata(ws.OpenSnapshot(Ref("all")).Images).ToDictionary(kv => kv.Key, kv => kv.Value.Count);
        foreach (var (key, n) in full) Assert.Equal(n / 2.0, strata[key], 0.5);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Split_IsStratifiedDisjointCompleteAndSeeded(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        await SeedAsync(ws, "all", 100);
        var ops = new DatasetOperations(ws);
        var result = ops.Split(Ref("all"), [0.8, 0.1, 0.1], 42, null);
        Assert.Equal(["all-train", "all-val", "all-test"], result.Versions.Select(v => v.Version.Dataset));
        var parts = new[] { "all-train", "all-val", "all-test" }.Select(n => ws.OpenSnapshot(Ref(n))).ToList();
        Assert.Equal(100, parts.Sum(p => p.Images.Count));
        Assert.Equal(100, parts.SelectMany(p => p.Images).Select(i => i.FileName).Distinct().Count());
        Assert.InRange(parts[0].Images.Count, 78, 82);
        var source = ws.OpenSnapshot(Ref("all"));
        Assert.All(parts, p => Assert.Equal(source.Classes, p.Classes));
        // every stratum is in every part in proportion: "rare" (16 labelled of 100) has ~1-2 in val.
        Assert.All(parts.Skip(1), p => Assert.Contains(p.Images, i => i.Objects.Any(o => o.Label == "rare")));
        var again = ops.Split(Ref("all"), [0.8, 0.1, 0.1], 42, "again");
        Assert.Equal(parts[1].Images.Select(i => i.FileName), ws.OpenSnapshot(Ref("again-val")).Images.Select(i => i.FileName));
        Assert.All(result.Versions, v => Assert.Equal([source.Version], v.Version.Parents));
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Relabel_RenamesThroughAnAlias(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        await ws.ImportAsync("s", Labelled("a.jpg", TestImages.Jpeg(40, 40, 8), ("pedestrian", Box(1, 1, 9, 9)), ("person", Box(2, 2, 9, 9))));
        new DatasetOperations(ws).Relabel(Ref("s"), new Dictionary<string, string> { ["pedestrian"] = "person" }, null);
        var snap = ws.OpenSnapshot(Ref("s"));
        Assert.Equal(["person", "person"], snap.Images[0].Objects.Select(o => o.Label));
        Assert.Equal(["person"], snap.Classes);
        Assert.Equal("person", ws.Labels.Resolve("pedestrian"));
        Assert.Equal("relabel", ws.Log(Ref("s"))[0].Operation);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task DedupExact_DropsIdenticalBytesKeepingTheLabelledCopy(string backend)
    {
        using var t = new TempWorkspace(backend);
        var bytes = TestImages.Jpeg(40, 40, 9);
        await t.Workspace.ImportAsync("s", Image("copy1.jpg", bytes), Labelled("copy2.jpg", bytes, ("cat", Box(1, 1, 9, 9))),
            Image("other.jpg", TestImages.Jpeg(40, 40, 10)));
        var r = new DatasetOperations(t.Workspace).DedupExact(Ref("s"), null);
        Assert.Equal(["copy2.jpg", "other.jpg"], Names(t.Workspace, "s"));
        Assert.Equal("copy1.jpg", Assert.Single(r.Removed).File);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task DedupNear_FindsResizedReencodedCopiesOnly(string backend)
    {
        using var t = new TempWorkspace(backend);
        using var mat = TestImages.Draw(320, 240, 11);
        Cv2.ImEncode(".jpg", mat, out var original, new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
        using var small = new Mat();
        Cv2.Resize(mat, small, new Size(160, 120), 0, 0, InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", small, out var resized, new ImageEncodingParam(ImwriteFlags.JpegQuality, 60));
        var items = new List<Core.Interchange.ImportItem> { Labelled("orig.jpg", original, ("cat", Box(1, 1, 9, 9))), Image("resized.jpg", resized) };
        items.AddRange(Enumerable.Range(0, 8).Select(i => Image($"other{i}.jpg", TestImages.Jpeg(320, 240, 500 + i))));
        await t.Workspace.ImportAsync("s", items.ToArray());
        var r = new DatasetOperations(t.Workspace).DedupNear(Ref("s"), 8, null);
        var removed = Assert.Single(r.Removed);
        Assert.Equal("resized.jpg", removed.File);
        Assert.Contains("near duplicate of orig.jpg", removed.Reason, StringComparison.Ordinal);
        Assert.Equal(9, t.Workspace.OpenSnapshot(Ref("s")).Images.Count);
    }

    [Fact]
    public void CandidatePairs_FindEveryPairWithinTheThreshold()
    {
        var rng = new Random(5);
        var hashes = Enumerable.Range(0, 300).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40)).ToArray();
        for (int i = 0; i < 50; i++) hashes[250 + i] = hashes[i] ^ (1UL << rng.Next(64)) ^ (1UL << rng.Next(64)) ^ (1UL << rng.Next(64));
        var candidates = DatasetOperations.CandidatePairs(hashes, 4).ToHashSet();
        for (int a = 0; a < hashes.Length; a++)
            for (int b = a + 1; b < hashes.Length; b++)
                if (Seer.Imaging.PerceptualHash.Distance(hashes[a], hashes[b]) <= 4) Assert.Contains((a, b), candidates);
    }

    private static List<string> Names(Workspace ws, string name) => ws.OpenSnapshot(Ref(name)).Images.Select(i => i.FileName).ToList();

    private static string Sha(byte[] b) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(b));
}
