using Seer.Core.Errors;
using Seer.Formats.Tests.Support;

namespace Seer.Formats.Tests;

/// <summary>CVAT for images 1.1 XML.</summary>
public sealed class CvatTests
{
    [Fact]
    public void Cvat_RoundTrip_KeepsBoxesPolygonsFlagsAttributesAndUnlabelledImages()
    {
        using var dir = new TempDir();
        var detection = Generated.Detection(200, seed: 21);
        var (back, report, _) = RoundTrip.Through(detection, "cvat", dir);
        RoundTrip.AssertKept(detection, back,
            Holds.Boxes | Holds.Polygons | Holds.Crowd | Holds.DifficultTruncated | Holds.ObjectAttributes);
        Assert.Equal(detection.Images.Where(i => i.Objects.Any(o => o.Area is not null)).Select(i => i.FileName).ToHashSet(),
            report.Lost.Select(l => l.File).ToHashSet());
    }

    [Fact]
    public void Cvat_RoundTrip_KeepsImageTags()
    {
        using var dir = new TempDir();
        var classification = Generated.Classification(60, withUnlabelled: true);
        var (back, report, _) = RoundTrip.Through(classification, "cvat", dir);
        Assert.Empty(report.Lost);
        RoundTrip.AssertKept(classification, back, Holds.Tags);
    }

    [Fact]
    public void Cvat_ReadsAHandWrittenFile_RejectingPointsAndUnknownImages()
    {
        using var dir = new TempDir();
        var rnd = new Random(5);
        dir.Write("images/a.jpg", Generated.Jpeg(64, 48, rnd));
        dir.Write("annotations.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <annotations>
              <version>1.1</version>
              <meta><task><labels><label><name>car</name></label><label><name>road</name></label></labels></task></meta>
              <image id="0" name="a.jpg" width="64" height="48">
                <box label="car" occluded="1" xtl="1.5" ytl="2" xbr="30" ybr="40" z_order="0"><attribute name="colour">red</attribute></box>
                <polygon label="road" points="0,40;64,40;64,48;0,48" z_order="0"/>
                <points label="car" points="3,4"/>
              </image>
              <image id="1" name="b.jpg" width="64" height="48"/>
            </annotations>
            """);
        var (snapshot, read) = Snapshots.Import(dir.Path, "cvat");
        Assert.Equal(["car", "road"], read.DeclaredClasses);
        var a = Assert.Single(snapshot.Images);
        Assert.Equal(new Core.Geometry.BoxXyxy(1.5, 2, 30, 40), a.Objects[0].Box);
        Assert.Equal("red", a.Objects[0].Attributes["colour"]);
        Assert.Equal("1", a.Objects[0].Attributes["occluded"]);
        Assert.Equal(new Core.Geometry.BoxXyxy(0, 40, 64, 48), a.Objects[1].Box);
        Assert.Contains(read.Rejected, r => r.Reason.Contains("<points>"));
        Assert.Contains(read.Rejected, r => r.File.Contains("image 1") && r.Reason.Contains("b.jpg"));
        Assert.Equal(2, read.Rejected.Count);
    }

    [Fact]
    public void Cvat_MalformedXml_Throws()
    {
        using var dir = new TempDir();
        dir.Write("annotations.xml", "<annotations><image name='a.jpg'></annotations>");
        var e = Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "cvat"));
        Assert.Contains("annotations.xml", e.Message);
        Assert.Contains("malformed XML", e.Message);
    }
}
