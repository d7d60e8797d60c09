using System.IO.Compression;
using Seer.Core.Errors;
using Seer.Formats.Tests.Support;

namespace Seer.Formats.Tests;

/// <summary>One case per kind of bad input: what is rejected (with file and reason), what throws, what still imports.</summary>
public sealed class BadInputTests
{
    private static readonly Random Rnd = new(3);

    private static string CopyVocExample(TempDir dir)
    {
        string root = dir["voc"];
        foreach (var f in Directory.GetFiles(TestPaths.VocExample, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(TestPaths.VocExample, f);
            if (rel.StartsWith("AnnotationsVisualization", StringComparison.Ordinal)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, rel))!);
            File.Copy(f, Path.Combine(root, rel));
        }
        return root;
    }

    [Fact]
    public void Voc_MalformedXmlOfOneFile_RejectsThatImageOnly_WithTheLine()
    {
        using var dir = new TempDir();
        string root = CopyVocExample(dir);
        File.WriteAllText(Path.Combine(root, "Annotations", "2011_000025.xml"), "<annotation>\n  <object><name>bus</name>\n</annotation>");
        var (snapshot, read) = Snapshots.Import(root, "voc");
        Assert.Equal(["2011_000003.jpg", "2011_000006.jpg"], snapshot.Images.Select(i => i.FileName).Order());
        var rejected = Assert.Single(read.Rejected);
        Assert.EndsWith("2011_000025.xml", rejected.File);
        Assert.Contains("malformed XML", rejected.Reason);
        Assert.Contains("Line 3", rejected.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Voc_DegenerateBox_AndMissingImage_AreRejected_OthersImport()
    {
        using var dir = new TempDir();
        string root = CopyVocExample(dir);
        string xml = Path.Combine(root, "Annotations", "2011_000003.xml");
        File.WriteAllText(xml, File.ReadAllText(xml).Replace("<xmax>313.0</xmax>", "<xmax>150</xmax>"));
        File.Delete(Path.Combine(root, "JPEGImages", "2011_000025.jpg"));
        var (snapshot, read) = Snapshots.Import(root, "voc");
        Assert.Equal(2, snapshot.Images.Count);
        Assert.Single(snapshot.Images.Single(i => i.FileName == "2011_000003.jpg").Objects);
        Assert.Contains(read.Rejected, r => r.File.Contains("2011_000003.xml (object 1") && r.Reason.Contains("degenerate box"));
        Assert.Contains(read.Rejected, r => r.File.EndsWith("2011_000025.xml") && r.Reason.Contains("not found"));
    }

    [Fact]
    public void Voc_WithoutAnnotations_Throws()
    {
        using var dir = new TempDir();
        dir.Write("JPEGImages/a.png", Generated.Png(8, 8, 1, Rnd));
        var e = Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "voc"));
        Assert.Contains("Annotations/*.xml", e.Message);
    }

    [Fact]
    public void Voc_XmlWithADtd_IsRejectedNotExpanded()
    {
        using var dir = new TempDir();
        string root = CopyVocExample(dir);
        File.WriteAllText(Path.Combine(root, "Annotations", "2011_000025.xml"),
            "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"xxxxxxxx\">]><annotation><filename>&x;</filename></annotation>");
        var (_, read) = Snapshots.Import(root, "voc");
        Assert.Contains("DTD", Assert.Single(read.Rejected).Reason);
    }

    [Fact]
    public void Coco_MalformedTopLevelJson_ThrowsNamingTheFileAndLine()
    {
        using var dir = new TempDir();
        dir.Write("annotations.json", "{\n  \"images\": [\n    {\"id\": 1,, \"file_name\": \"a.jpg\"}\n  ]\n}");
        var e = Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "coco"));
        Assert.Contains("annotations.json", e.Message);
        Assert.Contains("malformed JSON at line 3", e.Message);
    }

    [Fact]
    public void Coco_NotAnInstancesFile_Throws()
    {
        using var dir = new TempDir();
        dir.Write("annotations.json", "[1, 2, 3]");
        Assert.Contains("expected an object", Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "coco")).Message);
        dir.Write("annotations.json", "{\"annotations\": []}");
        Assert.Contains("no \"images\" array", Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "coco")).Message);
    }

    [Fact]
    public void Coco_UnknownCategory_DegenerateBox_MissingImage_DuplicateName_AreRejectedWithReasons()
    {
        using var dir = new TempDir();
        dir.Write("images/a.png", Generated.Png(40, 30, 3, Rnd));
        dir.Write("images/b.png", Generated.Png(40, 30, 3, Rnd));
        dir.Write("images/pool.png", Generated.Png(40, 30, 3, Rnd));
        dir.Write("annotations.json", """
            {"images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30},
                        {"id": 2, "file_name": "b.png", "width": 40, "height": 30},
                        {"id": 3, "file_name": "gone.png", "width": 40, "height": 30},
                        {"id": 4, "file_name": "a.png", "width": 40, "height": 30}],
             "categories": [{"id": 1, "name": "cat"}],
             "annotations": [{"id": 10, "image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 5]},
                             {"id": 11, "image_id": 1, "category_id": 7, "bbox": [1, 2, 10, 5]},
                             {"id": 12, "image_id": 2, "category_id": 1, "bbox": [5, 5, 0, 4]},
                             {"id": 13, "image_id": 99, "category_id": 1, "bbox": [5, 5, 3, 4]},
                             {"id": 14, "image_id": 2, "category_id": 1, "bbox": [1, 1, 4, 4], "segmentation": {"counts": [1, 2], "size": [30, 40]}, "iscrowd": 1}]}
            """);
        var (snapshot, read) = Snapshots.Import(dir.Path, "coco");
        Assert.Equal(["a.png", "b.png", "pool.png"], snapshot.Images.Select(i => i.FileName));
        Assert.False(snapshot.Images[2].IsLabelled);
        Assert.Single(snapshot.Images[0].Objects);
        Assert.True(Assert.Single(snapshot.Images[1].Objects).IsCrowd);
        var reasons = read.Rejected.Select(r => r.File + " | " + r.Reason).ToList();
        Assert.Contains(reasons, r => r.Contains("annotation 11") && r.Contains("unknown category_id 7"));
        Assert.Contains(reasons, r => r.Contains("annotation 12") && r.Contains("degenerate box"));
        Assert.Contains(reasons, r => r.Contains("annotation 13") && r.Contains("image_id 99"));
        Assert.Contains(reasons, r => r.Contains("gone.png") && r.Contains("not in the source"));
        Assert.Contains(reasons, r => r.Contains("image id 4") && r.Contains("duplicate file name 'a.png'"));
        Assert.Equal(5, reasons.Count);
        Assert.Contains(read.Warnings, w => w.Reason.Contains("RLE"));
    }

    [Fact]
    public void Yolo_UnknownClassId_MalformedLine_DegenerateBox_AreRejected()
    {
        using var dir = new TempDir();
        dir.Write("data.yaml", "names:\n  0: cat\n  1: dog\n");
        dir.Write("images/a.png", Generated.Png(100, 50, 3, Rnd));
        dir.Write("images/b.png", Generated.Png(100, 50, 3, Rnd));
        dir.Write("images/c.png", Generated.Png(100, 50, 3, Rnd));
        dir.Write("images/pool.png", Generated.Png(100, 50, 3, Rnd));
        dir.Write("labels/a.txt", "0 0.5 0.5 0.2 0.4\n5 0.5 0.5 0.2 0.2\n1 0.5 0.5 0 0.3\n");
        dir.Write("labels/b.txt", "1 0.5 zero 0.2 0.4\n");
        dir.Write("labels/c.txt", "");
        var (snapshot, read) = Snapshots.Import(dir.Path, "yolo");
        Assert.Equal(["a.png", "c.png", "pool.png"], snapshot.Images.Select(i => i.FileName));
        var a = Assert.Single(snapshot.Images[0].Objects);
        Assert.Equal(("cat", new Core.Geometry.BoxXyxy(40, 15, 60, 35)), (a.Label, a.Box));
        Assert.True(snapshot.Images[1].IsLabelled);
        Assert.Empty(snapshot.Images[1].Objects);
        Assert.False(snapshot.Images[2].IsLabelled);
        var reasons = read.Rejected.Select(r => r.File + " | " + r.Reason).ToList();
        Assert.Contains(reasons, r => r.Contains("a.txt (line 2)") && r.Contains("unknown class id 5"));
        Assert.Contains(reasons, r => r.Contains("a.txt (line 3)") && r.Contains("degenerate box"));
        Assert.Contains(reasons, r => r.Contains("b.txt") && r.Contains("line 1"));
        Assert.Equal(3, reasons.Count);
    }

    [Fact]
    public void Yolo_WithoutAClassList_OrWithBrokenYaml_Throws()
    {
        using var dir = new TempDir();
        dir.Write("images/a.png", Generated.Png(10, 10, 1, Rnd));
        dir.Write("labels/a.txt", "0 0.5 0.5 0.2 0.2\n");
        Assert.Contains("data.yaml", Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "yolo")).Message);
        dir.Write("data.yaml", "names: [cat, dog\nnc: 2\n");
        var e = Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "yolo"));
        Assert.Contains("data.yaml", e.Message);
        Assert.Contains("malformed YAML", e.Message);
    }

    [Fact]
    public void LabelMe_MalformedJsonOfOneFile_RejectsItsImageOnly_EmbeddedImageDataImports()
    {
        using var dir = new TempDir();
        byte[] png = Generated.Png(20, 10, 3, Rnd);
        dir.Write("good.png", png);
        dir.Write("good.json", """{"shapes": [{"label": "cat", "points": [[1, 2], [11, 8]], "shape_type": "rectangle", "flags": {"sleeping": true}}], "imagePath": "good.png", "flags": {"indoor": false}}""");
        dir.Write("bad.png", Generated.Png(20, 10, 3, Rnd));
        dir.Write("bad.json", "{\"shapes\": [ {\"label\": \"cat\", }");
        dir.Write("embedded.json", "{\"shapes\": [], \"imagePath\": \"../../elsewhere/emb.png\", \"imageData\": \"" + Convert.ToBase64String(png) + "\"}");
        dir.Write("ref-missing.json", "{\"shapes\": [], \"imagePath\": \"nowhere.png\"}");
        dir.Write("line.json", """{"shapes": [{"label": "cat", "points": [[1, 2], [11, 8]], "shape_type": "line"}], "imagePath": "good.png"}""");
        var (snapshot, read) = Snapshots.Import(dir.Path, "labelme");
        Assert.Equal(["emb.png", "good.png"], snapshot.Images.Select(i => i.FileName).Order(StringComparer.Ordinal));
        var good = snapshot.Images.Single(i => i.FileName == "good.png");
        Assert.Equal("true", Assert.Single(good.Objects).Attributes["sleeping"]);
        Assert.Equal("false", good.Attributes["indoor"]);
        var reasons = read.Rejected.Select(r => r.File + " | " + r.Reason).ToList();
        Assert.Contains(reasons, r => r.Contains("bad.json") && r.Contains("malformed JSON at line 1"));
        Assert.Contains(reasons, r => r.Contains("ref-missing.json") && r.Contains("not found"));
        Assert.Contains(reasons, r => r.Contains("line.json") && r.Contains("shape type 'line'"));
        Assert.Contains(reasons, r => r.Contains("line.json") && r.Contains("duplicate file name 'good.png'"));
        Assert.Equal(4, reasons.Count);
    }

    [Fact]
    public void Idx_TruncatedFiles_ThrowNamingTheFile()
    {
        using var dir = new TempDir();
        var header = new byte[] { 0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28 };
        dir.Write("train-images-idx3-ubyte", [.. header, .. new byte[28 * 28 * 3]]);
        var e = Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "idx"));
        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("truncated", e.Message);

        using var gzDir = new TempDir();
        var whole = new MemoryStream();
        using (var gz = new GZipStream(whole, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write([.. header, .. new byte[28 * 28 * 10]]);
        gzDir.Write("train-images-idx3-ubyte.gz", whole.ToArray()[..(int)(whole.Length / 2)]);
        var gzError = Assert.Throws<SeerException>(() => Snapshots.Import(gzDir.Path, "idx"));
        Assert.Contains("train-images-idx3-ubyte.gz", gzError.Message);
    }

    [Fact]
    public void Idx_LabelCountMismatch_AndLabelsOutsideTheClassList_AreErrors()
    {
        using var dir = new TempDir();
        var images = new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8 };
        dir.Write("t10k-images-idx3-ubyte", images);
        dir.Write("t10k-labels-idx1-ubyte", new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 2 });
        Assert.Contains("3 labels for 2 images", Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "idx")).Message);
        dir.Write("t10k-labels-idx1-ubyte", new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 1, 2 });
        dir.Write("classes.txt", "zero\none\n");
        var (snapshot, read) = Snapshots.Import(dir.Path, "idx");
        Assert.Equal("t10k/00001.png", Assert.Single(snapshot.Images).FileName);
        Assert.Equal(["one"], snapshot.Images[0].Tags);
        Assert.Contains("unknown class id 2", Assert.Single(read.Rejected).Reason);
    }

    [Fact]
    public void Folders_DuplicateNamesCannotArise_ButEmptySourcesThrow()
    {
        using var dir = new TempDir();
        dir.Write("notes.txt", "no images here");
        Assert.Contains("no image files", Assert.Throws<SeerException>(() => Snapshots.Import(dir.Path, "folders")).Message);
    }
}
