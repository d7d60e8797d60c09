using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Synthesis;
using Seer.Data.Tests.Support;
using Seer.Data.Versions;
using Seer.Imaging.Synthesis;

namespace Seer.Data.Tests.Operations;

public sealed class SynthesisTests : IDisposable
{
    private readonly TempWorkspace temp = new();
    private readonly string backgrounds;

    public SynthesisTests()
    {
        backgrounds = Path.Combine(temp.Home, "photos");
        Directory.CreateDirectory(Path.Combine(backgrounds, "more"));
        File.WriteAllBytes(Path.Combine(backgrounds, "one.jpg"), TestImages.Jpeg(120, 90, 1));
        File.WriteAllBytes(Path.Combine(backgrounds, "more", "two.png"), TestImages.Png(100, 140, 2));
        File.WriteAllText(Path.Combine(backgrounds, "notes.txt"), "not a photo");
    }

    public void Dispose() => temp.Dispose();

    /// <summary>A 28x28 Fashion-MNIST-like item: black background, a bright w x h block with some texture, centred.</summary>
    private static byte[] Item(int w, int h, int shade)
    {
        using var mat = new Mat(28, 28, MatType.CV_8UC3, Scalar.All(0));
        int x = (28 - w) / 2, y = (28 - h) / 2;
        Cv2.Rectangle(mat, new Rect(x, y, w, h), Scalar.All(shade), -1);
        Cv2.Line(mat, new Point(x, y + h / 2), new Point(x + w - 1, y + h / 2), Scalar.All(shade / 2), 1);
        Cv2.ImEncode(".png", mat, out byte[] png);
        return png;
    }

    private async Task<DatasetRef> ItemsAsync()
    {
        // "wide" items are 20x10, "tall" 10x20, "other" are not used (not among the chosen classes)
        var items = new List<Core.Interchange.ImportItem>();
        for (int i = 0; i < 4; i++)
        {
            items.Add(Items.Tagged($"wide/{i}.png", Item(20, 10, 200 + i * 10), "wide"));
            items.Add(Items.Tagged($"tall/{i}.png", Item(10, 20, 200 + i * 10), "tall"));
            items.Add(Items.Tagged($"other/{i}.png", Item(14, 14, 200 + i * 10), "other"));
        }
        var result = await temp.Workspace.ImportAsync("items", items.ToArray());
        return new DatasetRef("items", result.Version);
    }

    private SynthesisRequest Request(string name, DatasetRef items) => new(name, backgrounds, items)
    {
        Classes = ["wide", "tall"],
        Count = 6,
        Composite = new CompositeOptions { Width = 96, Height = 96, MinSize = 40, MaxSize = 56, MinObjects = 1, MaxObjects = 3, Seed = 7 },
    };

    [Fact]
    public async Task Synth_WritesAVersionWithExactBoxesOfTheChosenClasses_AndRecordsItsSources()
    {
        var items = await ItemsAsync();
        var commit = await new DatasetSynthesis(temp.Workspace).RunAsync(Request("synth", items), null, CancellationToken.None);

        Assert.True(commit.Created);
        Assert.Equal("synth", commit.Version.Operation);
        Assert.Equal([items.Version!], commit.Version.Parents);
        Assert.Contains("items@" + items.Version, commit.Version.ParametersJson, StringComparison.Ordinal);
        Assert.Contains("more/two.png", commit.Version.ParametersJson, StringComparison.Ordinal);
        Assert.DoesNotContain("notes.txt", commit.Version.ParametersJson, StringComparison.Ordinal);

        var snap = temp.Workspace.OpenSnapshot(new DatasetRef("synth", commit.Version.Version));
        Assert.Equal(["wide", "tall"], snap.Classes);
        Assert.Equal(6, snap.Images.Count);
        foreach (var image in snap.Images)
        {
            Assert.True(image.IsLabelled);
            Assert.Equal((96, 96), (image.Width, image.Height));
            Assert.InRange(image.Objects.Count, 1, 3);
            using var stream = snap.OpenImage(image);
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            using var decoded = Cv2.ImDecode(ms.ToArray(), ImreadModes.Color);
            Assert.Equal((96, 96), (decoded.Width, decoded.Height));
            foreach (var o in image.Objects)
            {
                Assert.True(o.Box.IsInside(96, 96));
                // the box is the pasted block's extent: 2:1 for wide items, 1:2 for tall ones (± an interpolated edge pixel)
                double aspect = o.Box.Width / o.Box.Height;
                if (o.Label == "wide") Assert.InRange(aspect, 1.6, 2.5);
                else Assert.InRange(aspect, 0.4, 0.62);
                // a 40..56 px item of 28 px source: the 20 px side scales to about 29..40 px
                Assert.InRange(Math.Max(o.Box.Width, o.Box.Height), 27, 43);
            }
        }
    }

    [Fact]
    public void SceneRandomness_IsTheSameInEveryProcess()
    {
        // Fixed numbers (SplitMix64 over the keys, worked out independently): a per-process salted hash such as
        // HashCode.Combine, which scene seeding used before, gives other values in every run and fails here.
        Assert.Equal(417373108, Seer.Core.Randomness.StableRandom.Key(7, 3));
        Assert.Equal(2065550767, Seer.Core.Randomness.StableRandom.Key(1));
        Assert.Equal(2100474237, Seer.Core.Randomness.StableRandom.Key(-5, 2, 9, 1));
    }

    [Fact]
    public async Task Synth_SameSettingsGiveTheSameImages_AnotherSeedOthers()
    {
        var items = await ItemsAsync();
        var synthesis = new DatasetSynthesis(temp.Workspace);
        var first = await synthesis.RunAsync(Request("a", items), null, CancellationToken.None);
        var again = await synthesis.RunAsync(Request("b", items), null, CancellationToken.None);
        var other = await synthesis.RunAsync(Request("c", items) with { Composite = Request("c", items).Composite with { Seed = 8 } }, null, CancellationToken.None);
        IEnumerable<string> Hashes(CommitResult c) =>
            temp.Workspace.OpenSnapshot(new DatasetRef(c.Version.Dataset, c.Version.Version)).Images.Select(i => i.ContentHash);
        Assert.Equal(Hashes(first), Hashes(again));
        Assert.NotEqual(Hashes(first), Hashes(other));
    }

    [Fact]
    public async Task Synth_RefusesAClassTheItemsDoNotHave_AndAFolderWithoutPhotos()
    {
        var items = await ItemsAsync();
        var synthesis = new DatasetSynthesis(temp.Workspace);
        var ex = await Assert.ThrowsAsync<SeerException>(() =>
            synthesis.RunAsync(Request("x", items) with { Classes = ["wide", "boat"] }, null, CancellationToken.None));
        Assert.Contains("'boat'", ex.Message, StringComparison.Ordinal);
        string empty = Path.Combine(temp.Home, "empty");
        Directory.CreateDirectory(empty);
        ex = await Assert.ThrowsAsync<SeerException>(() =>
            synthesis.RunAsync(Request("x", items) with { BackgroundsFolder = empty }, null, CancellationToken.None));
        Assert.Contains("no photos", ex.Message, StringComparison.Ordinal);
        Assert.Null(temp.Workspace.Metadata.FindHead("x"));
    }
}
