using Seer.Core.Datasets;
using Seer.Formats.Tests.Support;

namespace Seer.Formats.Tests;

/// <summary>Round trips of generated sets of hundreds of real PNG images with every kind of label Seer holds.</summary>
public sealed class GeneratedRoundTripTests
{
    private static readonly DatasetSnapshot Detection = Generated.Detection(240);

    private static HashSet<string> ImagesWith(DatasetSnapshot s, Func<Core.Annotations.ObjectAnnotation, bool> lost) =>
        s.Images.Where(i => i.Objects.Any(lost)).Select(i => i.FileName).ToHashSet();

    [Fact]
    public void Voc_KeepsBoxesFlagsAttributesAndUnlabelledImages_ReportsPolygonsCrowdAndAreas()
    {
        using var dir = new TempDir();
        var (back, report, _) = RoundTrip.Through(Detection, "voc", dir);
        RoundTrip.AssertKept(Detection, back, Holds.Boxes | Holds.DifficultTruncated | Holds.ObjectAttributes);
        Assert.Equal(ImagesWith(Detection, o => o.Polygons.Count > 0 || o.IsCrowd || o.Area is not null),
            report.Lost.Select(l => l.File).ToHashSet());
        Assert.Contains(report.Lost, l => l.Reason.Contains("polygon") && l.Reason.StartsWith("VOC cannot hold"));
        Assert.Equal(24, back.Images.Count(i => !i.IsLabelled));
    }

    [Fact]
    public void Coco_KeepsBoxesPolygonsCrowdAreasFlagsAndAttributes()
    {
        using var dir = new TempDir();
        var (back, report, _) = RoundTrip.Through(Detection, "coco", dir);
        Assert.Empty(report.Lost);
        RoundTrip.AssertKept(Detection, back,
            Holds.Boxes | Holds.Polygons | Holds.Crowd | Holds.DifficultTruncated | Holds.Area | Holds.ObjectAttributes);
        Assert.Equal(Detection.Classes, back.Classes.Take(Detection.Classes.Count));
    }

    [Fact]
    public void Yolo_KeepsBoxesToThePixel_ReportsEverythingElse()
    {
        using var dir = new TempDir();
        var (back, report, _) = RoundTrip.Through(Detection, "yolo", dir);
        RoundTrip.AssertKept(Detection, back, Holds.Boxes);
        Assert.Equal(ImagesWith(Detection, o => o.Polygons.Count > 0 || o.IsCrowd || o.Difficult || o.Truncated || o.Area is not null || o.Attributes.Count > 0),
            report.Lost.Select(l => l.File).ToHashSet());
        Assert.Equal(Detection.Classes, back.Classes);
    }

    [Fact]
    public void LabelMe_KeepsBoxesPolygonsFlagsAndBooleanAttributes_ReportsTheRest()
    {
        using var dir = new TempDir();
        var (back, report, _) = RoundTrip.Through(Detection, "labelme", dir);
        RoundTrip.AssertKept(Detection, back,
            Holds.Boxes | Holds.Polygons | Holds.Crowd | Holds.DifficultTruncated | Holds.BooleanObjectAttributes);
        Assert.Equal(ImagesWith(Detection, o => o.Area is not null || o.Attributes.Values.Any(v => v is not ("true" or "false"))),
            report.Lost.Select(l => l.File).ToHashSet());
    }

    [Fact]
    public void Chain_VocCocoYoloBack_KeepsEveryImageBoxAndClass()
    {
        using var dir = new TempDir();
        var (voc, _, _) = RoundTrip.Through(Detection, "voc", dir);
        var (coco, cocoReport, _) = RoundTrip.Through(voc, "coco", dir);
        Assert.Empty(cocoReport.Lost);
        var (yolo, _, _) = RoundTrip.Through(coco, "yolo", dir);
        var (back, _, _) = RoundTrip.Through(yolo, "voc", dir);
        RoundTrip.AssertKept(Detection, back, Holds.Boxes);
        RoundTrip.AssertKept(Detection, coco, Holds.Boxes | Holds.DifficultTruncated | Holds.ObjectAttributes);
    }

    [Fact]
    public void Folders_KeepsEveryImageAndItsClass_ClassNamesWithSlashesAndPercents()
    {
        using var dir = new TempDir();
        var classification = Generated.Classification(300, withUnlabelled: true);
        var (back, report, read) = RoundTrip.Through(classification, "folders", dir);
        Assert.Empty(report.Lost);
        RoundTrip.AssertKept(classification, back, Holds.Tags, i => i.ContentHash);
        Assert.Equal(classification.Classes.Order(StringComparer.Ordinal), read.DeclaredClasses);
        Assert.True(Directory.Exists(Path.Combine(dir.Path, Directory.GetDirectories(dir.Path)[0], "T-shirt%2Ftop")));
    }

    [Fact]
    public void Folders_ReportsBoxesOfADetectionSet()
    {
        using var dir = new TempDir();
        string output = dir["folders"];
        var report = FormatRegistry.GetExporter("folders").Write(Detection, output);
        Assert.Equal(Detection.Images.Count, report.Images);
        Assert.Equal(Detection.Images.Count(i => i.IsLabelled), report.Lost.Count);
        Assert.All(report.Lost, l => Assert.Contains("without a class tag", l.Reason));
    }

    [Fact]
    public void Idx_KeepsEveryImageItsPixelsAndClassUnderTheSameName()
    {
        using var dir = new TempDir();
        var classification = Generated.Classification(300);
        var (back, report, read) = RoundTrip.Through(classification, "idx", dir);
        Assert.Empty(report.Lost);
        Assert.Equal(classification.Classes, read.DeclaredClasses);
        RoundTrip.AssertKept(classification, back, Holds.Tags);
    }

    [Fact]
    public void Idx_WritesUnlabelledImagesToTheirOwnFileWithoutLabels()
    {
        using var dir = new TempDir();
        var classification = Generated.Classification(90, withUnlabelled: true);
        var (back, _, _) = RoundTrip.Through(classification, "idx", dir);
        Assert.Equal(classification.Images.Count, back.Images.Count);
        Assert.Equal(classification.Images.Count(i => !i.IsLabelled), back.Images.Count(i => i.FileName.Split('/')[0] is "train-unlabelled" or "test-unlabelled"));
        Assert.All(back.Images.Where(i => !i.IsLabelled), i => Assert.Empty(i.Tags));
        Assert.Equal(classification.Images.Select(i => i.ContentHash).Order(), back.Images.Select(i => i.ContentHash).Order());
    }

    [Fact]
    public void ZipOfAnExport_ImportsTheSameAsTheFolder()
    {
        using var dir = new TempDir();
        string output = dir["voc"];
        FormatRegistry.GetExporter("voc").Write(Detection, output);
        string zip = dir["voc.zip"];
        System.IO.Compression.ZipFile.CreateFromDirectory(output, zip);
        var (fromFolder, _) = Snapshots.Import(output, "voc");
        var (fromZip, read) = Snapshots.Import(zip, "voc");
        Assert.Empty(read.Rejected);
        RoundTrip.AssertKept(fromFolder, fromZip, Holds.Boxes | Holds.DifficultTruncated | Holds.ObjectAttributes);
    }
}
