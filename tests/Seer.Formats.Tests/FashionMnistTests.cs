using Seer.Core.Datasets;
using Seer.Formats.Tests.Support;
using Seer.Imaging;

namespace Seer.Formats.Tests;

/// <summary>The real Fashion-MNIST IDX files (Debian dataset-fashion-mnist).</summary>
public sealed class FashionMnistTests
{
    [Fact]
    public void Idx_ReadsFashionMnist_70000ImagesWithTheirClassNames()
    {
        using var source = FileSources.Open(TestPaths.FashionMnist);
        var read = FormatRegistry.GetImporter("idx").Read(source, new());
        Assert.Equal(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], read.DeclaredClasses);
        var items = read.Items.ToList();
        Assert.Empty(read.Rejected);
        Assert.Equal(70000, items.Count);
        Assert.Equal(10000, items.Count(i => i.FileName.StartsWith("t10k/", StringComparison.Ordinal)));
        Assert.All(items.Where(i => i.FileName.StartsWith("t10k/", StringComparison.Ordinal)).GroupBy(i => i.Tags.Single()), g => Assert.Equal(1000, g.Count()));
        Assert.Equal(("t10k/00001.png", "Ankle boot"), (items[0].FileName, items[0].Tags[0]));
        using var png = items[0].Open();
        Assert.True(ImageProbe.TryRead(png, out var header, out _));
        Assert.Equal(("png", 28, 28), (header.Format, header.Width, header.Height));
    }

    [Fact]
    public void Idx_RealImagesRoundTripPixelForPixel()
    {
        using var source = FileSources.Open(TestPaths.FashionMnist);
        var read = FormatRegistry.GetImporter("idx").Read(source, new());
        var first = new Seer.Core.Interchange.ImportRead(read.Items.Take(300).ToList(), read.DeclaredClasses);
        var snapshot = Snapshots.FromRead(first);
        using var dir = new TempDir();
        var (back, report, _) = RoundTrip.Through(snapshot, "idx", dir);
        Assert.Empty(report.Lost);
        RoundTrip.AssertKept(snapshot, back, Holds.Tags);
        Assert.True(File.Exists(Path.Combine(Directory.GetDirectories(dir.Path)[0], "t10k-images-idx3-ubyte")));
    }
}
