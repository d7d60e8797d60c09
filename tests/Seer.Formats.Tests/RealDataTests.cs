using Seer.Core.Datasets;
using Seer.Formats.Tests.Support;

namespace Seer.Formats.Tests;

/// <summary>The labelme-examples package's real VOC photos, in VOC XML, LabelMe JSON and COCO JSON.</summary>
public sealed class RealDataTests
{
    private static Dictionary<string, int> Instances(DatasetSnapshot s) =>
        s.Images.SelectMany(i => i.Objects).GroupBy(o => o.Label).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Voc_ImportsTheThreeExamplePhotos_Person6Bus2Car1()
    {
        var (snapshot, read) = Snapshots.Import(TestPaths.VocExample, "voc");
        Assert.Empty(read.Rejected);
        Assert.Equal(3, snapshot.Images.Count);
        Assert.All(snapshot.Images, i => Assert.True(i.IsLabelled));
        Assert.Equal(new Dictionary<string, int> { ["person"] = 6, ["bus"] = 2, ["car"] = 1 }, Instances(snapshot));
        Assert.Equal(["2011_000003.jpg", "2011_000006.jpg", "2011_000025.jpg"], snapshot.Images.Select(i => i.FileName).Order());
    }

    [Fact]
    public void Voc_ConvertsOneBasedInclusiveCornersToContinuousCorners()
    {
        using var source = FileSources.Open(TestPaths.VocExample);
        var read = FormatRegistry.GetImporter("voc").Read(source, new());
        var item = read.Items.Single(i => i.FileName == "2011_000003.jpg");
        Assert.Equal((500, 338), (item.DeclaredWidth, item.DeclaredHeight));
        var person = item.Objects[1]; // <xmin>365.0</xmin><ymin>83.0</ymin><xmax>500.0</xmax><ymax>333.0</ymax>
        Assert.Equal(new Core.Geometry.BoxXyxy(364, 82, 500, 333), person.Box);
    }

    [Fact]
    public void LabelMe_ImportsTheRectanglesOfTheSamePhotos()
    {
        var (snapshot, read) = Snapshots.Import(TestPaths.LabelMeBoxes, "labelme");
        Assert.Empty(read.Rejected);
        Assert.Equal(3, snapshot.Images.Count);
        Assert.Equal(new Dictionary<string, int> { ["person"] = 6, ["bus"] = 2, ["car"] = 1 }, Instances(snapshot));
        var first = snapshot.Images.Single(i => i.FileName == "2011_000003.jpg").Objects[0];
        Assert.Equal(new Core.Geometry.BoxXyxy(191, 107.36900369003689, 313, 329.36900369003695), first.Box);
    }

    [Fact]
    public void Coco_ImportsPolygonsAreasAndCategoriesInOrder()
    {
        var (snapshot, read) = Snapshots.Import(TestPaths.CocoExample, "coco");
        Assert.Empty(read.Rejected);
        Assert.Equal(3, snapshot.Images.Count);
        Assert.Equal(21, read.DeclaredClasses.Count);
        Assert.Equal("_background_", read.DeclaredClasses[0]);
        Assert.Equal("tv/monitor", read.DeclaredClasses[20]);
        Assert.Equal(new Dictionary<string, int> { ["person"] = 6, ["bus"] = 2, ["car"] = 1, ["bottle"] = 1, ["chair"] = 1, ["sofa"] = 1 },
            Instances(snapshot));
        var image = snapshot.Images.Single(i => i.FileName == "JPEGImages/2011_000003.jpg");
        var first = image.Objects[0];
        Assert.Equal(15689.0, first.Area);
        Assert.Equal(new Core.Geometry.BoxXyxy(191, 107, 314, 328), first.Box);
        Assert.Single(first.Polygons);
        Assert.Equal(2, image.Objects[1].Polygons.Count);
        Assert.Equal(4, snapshot.Images.Single(i => i.FileName.EndsWith("2011_000006.jpg")).Objects.Max(o => o.Polygons.Count));
    }

    [Fact]
    public void LabelMe_ShapesSharingAGroupIdAreOneObject_AsInTheCocoExport()
    {
        var (labelme, read) = Snapshots.Import(TestPaths.LabelMePolygons, "labelme");
        Assert.Empty(read.Rejected);
        var (coco, _) = Snapshots.Import(TestPaths.CocoExample, "coco");
        foreach (var image in coco.Images)
        {
            var same = labelme.Images.Single(i => i.FileName == image.FileName["JPEGImages/".Length..]);
            var objects = same.Objects.Where(o => o.Label != "__ignore__").ToList();
            Assert.Equal(image.Objects.Select(o => (o.Label, o.Polygons.Count)), objects.Select(o => (o.Label, o.Polygons.Count)));
        }
    }

    [Theory]
    [InlineData("voc")]
    [InlineData("coco")]
    [InlineData("yolo")]
    [InlineData("labelme")]
    public void RealVocPhotos_RoundTripThroughEachDetectionFormat(string format)
    {
        using var dir = new TempDir();
        var (original, _) = Snapshots.Import(TestPaths.VocExample, "voc");
        var (back, report, _) = RoundTrip.Through(original, format, dir);
        Assert.Empty(report.Lost);
        Assert.Equal((3, 9), (report.Images, report.Objects));
        RoundTrip.AssertKept(original, back, Holds.Boxes);
    }

    [Fact]
    public void RealCocoPolygons_RoundTripThroughCocoAndLabelMe_AndAreReportedLostInVocAndYolo()
    {
        using var dir = new TempDir();
        var (original, _) = Snapshots.Import(TestPaths.CocoExample, "coco");
        var (viaCoco, coco, _) = RoundTrip.Through(original, "coco", dir);
        Assert.Empty(coco.Lost);
        RoundTrip.AssertKept(original, viaCoco, Holds.Boxes | Holds.Polygons | Holds.Area | Holds.Crowd);
        foreach (var format in new[] { "voc", "yolo" })
        {
            var (back, report, _) = RoundTrip.Through(original, format, dir);
            Assert.Equal(3, report.Lost.Count);
            Assert.All(report.Lost, l => Assert.Contains("polygon", l.Reason));
            RoundTrip.AssertKept(original, back, Holds.Boxes);
        }
    }
}
