using Seer.Core.Datasets;
using Seer.Formats.Tests.Support;
using Seer.Imaging;

namespace Seer.Formats.Tests;

/// <summary>The real Fashion-MNIST IDX files (Debian dataset-fashion-mnist): its 10,000-image test split, gzipped.</summary>
public sealed class FashionMnistTests
{
    /// <summary>A folder with the t10k files only (the 60,000-image train split is left out to keep the tests fast).</summary>
    private static TempDir TestSplit()
    {
        var dir = new TempDir();
        foreach (var name in new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            File.Copy(Path.Combine(TestPaths.FashionMnist, name), dir["fashion-mnist-" + name]);
        return dir;
    }

    [Fact]
    public void Idx_ReadsFashionMnist_10000TestImagesWithTheirClassNames()
    {
        using var dir = TestSplit();
        using var source = FileSources.Open(dir.Path);
        var read = FormatRegistry.GetImporter("idx").Read(source, new());
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], read.DeclaredClasses);
        var items = read.Items.ToList();
        Assert.Empty(read.Rejected);
        Assert.Equal(10000, items.Count);
        Assert.All(items.GroupBy(i => i.Tags.Single()), g => Assert.Equal(1000, g.Count()));
        Assert.Equal(("fashion-mnist-t10k/00001.png", "Ankle boot"), (items[0].FileName, items[0].Tags[0]));
        using var png = items[0].Open();
        Assert.True(ImageProbe.TryRead(png, out var header, out _));
        Assert.Equal(("png", 28, 28), (header.Format, header.Width, header.Height));
    }

    [Fact]
    public void Idx_RealImagesRoundTripPixelForPixel()
    {
        using var data = TestSplit();
        using var source = FileSources.Open(data.Path);
        var read = FormatRegistry.GetImporter("idx").Read(source, new());
        var first = new Seer.Core.Interchange.ImportRead(read.Items.Take(300).ToList(), read.DeclaredClasses);
        var snapshot = Snapshots.FromRead(first);
        using var dir = new TempDir();
        var (back, report, _) = RoundTrip.Through(snapshot, "idx", dir);
        Assert.Empty(report.Lost);
        RoundTrip.AssertKept(snapshot, back, Holds.Tags);
        Assert.True(File.Exists(Path.Combine(Directory.GetDirectories(dir.Path)[0], "fashion-mnist-t10k-images-idx3-ubyte")));
    }
}
