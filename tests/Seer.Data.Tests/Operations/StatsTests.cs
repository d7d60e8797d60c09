using Seer.Core.Datasets;
using Seer.Data.Stats;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Operations;

public class StatsTests
{
    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Stats_CountsClassesBoxesSizesAndWarns(string backend)
    {
        using var t = new TempWorkspace(backend);
        var items = new List<Core.Interchange.ImportItem>();
        for (int i = 0; i < 160; i++)
            items.Add(Labelled($"c{i}.jpg", TestImages.Jpeg(64, 48, i, 50), ("car", Box(0, 0, 40, 40)), ("car", Box(1, 1, 10, 10))));
        items.Add(Labelled("p.jpg", TestImages.Jpeg(100, 50, 1000, 50), ("person", Box(0, 0, 100, 50))));
        items.Add(Image("u.jpg", TestImages.Jpeg(64, 48, 1001, 50)));
        items.Add(Tagged("t.jpg", TestImages.Jpeg(64, 48, 1002, 50), "person"));
        await t.Workspace.ImportAsync("s", items.ToArray());
        var stats = DatasetStatistics.Compute(t.Workspace.OpenSnapshot(new DatasetRef("s", null)));
        Assert.Equal(163, stats.Images);
        Assert.Equal(162, stats.Labelled);
        Assert.Equal(1, stats.Unlabelled);
        Assert.Equal(320, stats.InstancesPerClass["car"]);
        Assert.Equal(2, stats.InstancesPerClass["person"]);
        Assert.Equal(160, stats.ImagesPerClass["car"]);
        Assert.Equal(2, stats.ImagesPerClass["person"]);
        Assert.Equal(160.0, stats.ImbalanceRatio);
        Assert.Equal(160, stats.BoxesPerImageHistogram["2"]);
        Assert.Equal(1, stats.BoxesPerImageHistogram["1"]);
        Assert.Equal(1, stats.BoxesPerImageHistogram["0"]);
        Assert.Equal(160, stats.BoxAreaRanges["small"]);
        Assert.Equal(161, stats.BoxAreaRanges["medium"] + stats.BoxAreaRanges["large"]);
        Assert.Equal(162, stats.ImageSizes["64x48"]);
        Assert.Equal(100, stats.ImageWidth.Max);
        Assert.Contains(stats.Warnings, w => w.Contains("'person' has 2 images, under 150", StringComparison.Ordinal));
        Assert.DoesNotContain(stats.Warnings, w => w.Contains("'car'", StringComparison.Ordinal) && w.Contains("under", StringComparison.Ordinal));
        Assert.Contains(stats.Warnings, w => w.StartsWith("imbalance 160x", StringComparison.Ordinal));
    }
}
