using System.Text;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Import;
using Seer.Data.Labels;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Import;

/// <summary>The import pipeline on good and bad input: one test per kind of bad input.</summary>
public class ImportPipelineTests
{
    private static readonly byte[] Good = TestImages.Jpeg(120, 80, 11);

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_StoresImagesLabelsAndUnlabelledPoolImages(string backend)
    {
        using var t = new TempWorkspace(backend);
        var result = await t.Workspace.ImportAsync("set",
            Labelled("a.jpg", Good, ("car", Box(10, 10, 50, 40)), ("person", Box(60, 5, 90, 70))),
            Image("pool/b.png", TestImages.Png(64, 64, 12)),
            Labelled("neg.jpg", TestImages.Jpeg(30, 30, 13)));
        Assert.True(result.Created);
        Assert.Equal(3, result.Images);
        Assert.Equal(2, result.Labelled);
        Assert.Empty(result.Rejected);
        Assert.Equal(["car", "person"], result.NewLabels);
        var snap = t.Reopen().OpenSnapshot(new DatasetRef("set", null));
        Assert.Equal(["a.jpg", "pool/b.png", "neg.jpg"], snap.Images.Select(i => i.FileName));
        Assert.Equal((120, 80), (snap.Images[0].Width, snap.Images[0].Height));
        Assert.False(snap.Images[1].IsLabelled);
        Assert.True(snap.Images[2].IsLabelled);
        Assert.Empty(snap.Images[2].Objects);
        using var s = snap.OpenImage(snap.Images[0]);
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        Assert.Equal(Good, copy.ToArray());
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_SameContentAgainKeepsTheHeadVersion(string backend)
    {
        using var t = new TempWorkspace(backend);
        var first = await t.Workspace.ImportAsync("set", Labelled("a.jpg", Good, ("car", Box(1, 1, 9, 9))));
        var second = await t.Workspace.ImportAsync("set", Labelled("a.jpg", Good, ("car", Box(1, 1, 9, 9))));
        Assert.False(second.Created);
        Assert.Equal(first.Version, second.Version);
        var third = await t.Workspace.ImportAsync("set", Labelled("a.jpg", Good, ("car", Box(1, 1, 19, 9))));
        Assert.True(third.Created);
        Assert.Equal([first.Version], t.Workspace.Resolve(new DatasetRef("set", null)).Parents);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_RejectsTruncatedJpeg(string backend)
    {
        using var t = new TempWorkspace(backend);
        var r = await t.Workspace.ImportAsync("s", Image("ok.jpg", Good), Image("cut.jpg", Good[..(Good.Length / 2)]));
        var issue = Assert.Single(r.Rejected);
        Assert.Equal("src/cut.jpg", issue.File);
        Assert.Contains("truncated JPEG", issue.Reason, StringComparison.Ordinal);
        Assert.Equal(1, r.Images);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_RejectsNonImageWithImageExtension(string backend)
    {
        using var t = new TempWorkspace(backend);
        var r = await t.Workspace.ImportAsync("s", Image("ok.jpg", Good), Image("notes.jpg", Encoding.UTF8.GetBytes("just some text, not a photo")));
        var issue = Assert.Single(r.Rejected);
        Assert.Contains("not an image", issue.Reason, StringComparison.Ordinal);
        Assert.Contains(".jpg extension", issue.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_RejectsCorruptPixelDataWhenVerifyingDecode(string backend)
    {
        using var t = new TempWorkspace(backend);
        var corrupt = TestImages.CorruptPng(200, 150, 14);
        var request = new ImportRequest("s") { VerifyDecode = true };
        var r = await t.Workspace.ImportAsync(request, Image("ok.jpg", Good), Image("broken.png", corrupt));
        var issue = Assert.Single(r.Rejected);
        Assert.Equal("src/broken.png", issue.File);
        Assert.Contains("cannot be decoded", issue.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_RefusesDecompressionBombBeforeDecoding(string backend)
    {
        using var t = new TempWorkspace(backend);
        var bomb = TestImages.PngBomb(12_000, 10_000); // 120 Mpx of zeros, a few hundred KB on disk
        Assert.True(bomb.Length < 1_000_000);
        var request = new ImportRequest("s") { VerifyDecode = true };
        var r = await t.Workspace.ImportAsync(request, Image("ok.jpg", Good), Image("bomb.png", bomb));
        var issue = Assert.Single(r.Rejected);
        Assert.Contains("12000x10000", issue.Reason, StringComparison.Ordinal);
        Assert.Contains("above the limit", issue.Reason, StringComparison.Ordinal);
        Assert.False(t.Workspace.Blobs.Exists(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bomb))));
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_RejectsDegenerateBoxes(string backend)
    {
        using var t = new TempWorkspace(backend);
        var r = await t.Workspace.ImportAsync("s",
            Labelled("ok.jpg", Good, ("car", Box(1, 1, 5, 5))),
            Labelled("flat.jpg", TestImages.Jpeg(40, 40, 15), ("car", Box(10, 10, 30, 10))),
            Labelled("nan.jpg", TestImages.Jpeg(40, 40, 16), ("car", Box(double.NaN, 1, 5, 5))),
            Labelled("away.jpg", TestImages.Jpeg(40, 40, 17), ("car", Box(100, 100, 120, 130))));
        Assert.Equal(["src/flat.jpg", "src/nan.jpg", "src/away.jpg"], r.Rejected.Select(x => x.File));
        Assert.Contains("degenerate box", r.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("entirely outside", r.Rejected[2].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_ClipsBoxesOutsideTheImageWithAWarning(string backend)
    {
        using var t = new TempWorkspace(backend);
        var r = await t.Workspace.ImportAsync("s", Labelled("a.jpg", Good, ("car", Box(-5, 10, 130, 90))));
        Assert.Empty(r.Rejected);
        var warning = Assert.Single(r.Warnings);
        Assert.Contains("clipped", warning.Reason, StringComparison.Ordinal);
        var box = t.Workspace.OpenSnapshot(new DatasetRef("s", null)).Images[0].Objects[0].Box;
        Assert.Equal(Box(0, 10, 120, 80), box);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_WarnsWhenDeclaredSizeDiffers(string backend)
    {
        using var t = new TempWorkspace(backend);
        var item = Labelled("a.jpg", Good, ("car", Box(1, 1, 9, 9))) with { DeclaredWidth = 640, DeclaredHeight = 480 };
        var r = await t.Workspace.ImportAsync("s", item);
        Assert.Contains("declares size 640x480 but the image is 120x80", Assert.Single(r.Warnings).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_RejectsDuplicateAndUnsafeFileNames(string backend)
    {
        using var t = new TempWorkspace(backend);
        var r = await t.Workspace.ImportAsync("s",
            Image("dir/a.jpg", Good),
            Image("dir/a.jpg", TestImages.Jpeg(20, 20, 18)),
            Image("../escape.jpg", TestImages.Jpeg(20, 20, 19)));
        Assert.Equal(2, r.Rejected.Count);
        Assert.Contains("duplicate file name 'dir/a.jpg'", r.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("'..'", r.Rejected[1].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_KeepsUnicodeNamesExactly(string backend)
    {
        using var t = new TempWorkspace(backend);
        string[] names = ["fotos/ñandú été 猫.jpg", "fotos/e\u0301te\u0301.jpg", "Ελληνικά/😀 smile.jpg", "日本/写真 (1).jpg"];
        var r = await t.Workspace.ImportAsync("s", names.Select((n, i) => Labelled(n, TestImages.Jpeg(20, 20, 200 + i), ("gato", Box(1, 1, 9, 9)))).ToArray());
        Assert.Empty(r.Rejected);
        var read = t.Reopen().OpenSnapshot(new DatasetRef("s", null)).Images.Select(i => i.FileName);
        Assert.Equal(names, read);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_UnknownLabelsAreAddedAndListed(string backend)
    {
        using var t = new TempWorkspace(backend);
        await t.Workspace.ImportAsync("a", Labelled("a.jpg", Good, ("person", Box(1, 1, 9, 9))));
        var r = await t.Workspace.ImportAsync("b", Labelled("b.jpg", TestImages.Jpeg(30, 30, 21), ("person", Box(1, 1, 9, 9)), ("kite", Box(2, 2, 8, 8))));
        Assert.Equal(["kite"], r.NewLabels);
        Assert.Equal(["person", "kite"], t.Workspace.Labels.Labels);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_RefusesUnknownLabelsNamingThemAndWritesNothing(string backend)
    {
        using var t = new TempWorkspace(backend);
        await t.Workspace.ImportAsync("a", Labelled("a.jpg", Good, ("person", Box(1, 1, 9, 9))));
        var request = new ImportRequest("b") { UnknownLabels = UnknownLabelPolicy.Refuse };
        var ex = await Assert.ThrowsAsync<SeerException>(() => t.Workspace.ImportAsync(request,
            Labelled("b.jpg", TestImages.Jpeg(30, 30, 22), ("pedestrian", Box(1, 1, 9, 9)), ("kite", Box(2, 2, 8, 8)))));
        Assert.Contains("pedestrian, kite", ex.Message, StringComparison.Ordinal);
        Assert.Single(t.Workspace.ListDatasets());
        Assert.Equal(["person"], t.Workspace.Labels.Labels);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_MapsLabelsAndRecordsTheAlias(string backend)
    {
        using var t = new TempWorkspace(backend);
        await t.Workspace.ImportAsync("a", Labelled("a.jpg", Good, ("person", Box(1, 1, 9, 9))));
        var request = new ImportRequest("b")
        {
            UnknownLabels = UnknownLabelPolicy.Refuse,
            LabelMap = new Dictionary<string, string> { ["pedestrian"] = "person" },
        };
        var r = await t.Workspace.ImportAsync(request, Labelled("b.jpg", TestImages.Jpeg(30, 30, 23), ("pedestrian", Box(1, 1, 9, 9))));
        Assert.Equal("person", r.MappedLabels["pedestrian"]);
        Assert.Empty(r.NewLabels);
        Assert.Equal("person", t.Workspace.OpenSnapshot(new DatasetRef("b", null)).Images[0].Objects[0].Label);
        Assert.Equal("person", t.Workspace.Labels.Resolve("pedestrian"));
        // The alias now maps the same label in later imports without --map.
        var later = await t.Workspace.ImportAsync(new ImportRequest("c") { UnknownLabels = UnknownLabelPolicy.Refuse },
            Labelled("c.jpg", TestImages.Jpeg(30, 30, 24), ("pedestrian", Box(1, 1, 9, 9))));
        Assert.Equal(["person"], later.Classes);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_FailingMidwayLeavesNoVersionAndNoNewBlobs(string backend)
    {
        using var t = new TempWorkspace(backend);
        var first = await t.Workspace.ImportAsync("s", Labelled("a.jpg", Good, ("car", Box(1, 1, 9, 9))));
        int blobsBefore = CountBlobs(t.Home);
        var items = Enumerable.Range(0, 40).Select(i => Image($"n{i}.jpg", TestImages.Jpeg(32, 32, 100 + i)))
            .Append(new Core.Interchange.ImportItem("boom.jpg", () => throw new InvalidOperationException("source vanished"), "src/boom.jpg"))
            .ToArray();
        await Assert.ThrowsAnyAsync<Exception>(() => t.Workspace.ImportAsync("s", items));
        var ws = t.Reopen();
        Assert.Equal(first.Version, ws.Resolve(new DatasetRef("s", null)).Version);
        Assert.Single(ws.Log(new DatasetRef("s", null)));
        Assert.Equal(blobsBefore, CountBlobs(t.Home));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(t.Home, "blobs", "tmp")));
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_WithEverythingRejectedFailsListingReasons(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ex = await Assert.ThrowsAsync<SeerException>(() => t.Workspace.ImportAsync("s", Image("x.jpg", [1, 2, 3])));
        Assert.Contains("src/x.jpg", ex.Message, StringComparison.Ordinal);
        Assert.Empty(t.Workspace.ListDatasets());
    }

    internal static int CountBlobs(string home) =>
        Directory.EnumerateFiles(Path.Combine(home, "blobs"), "*", SearchOption.AllDirectories)
            .Count(f => !f.Contains($"{Path.DirectorySeparatorChar}tmp{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}
