using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Seer.Tests.BadInput;

/// <summary>The bad inputs: every importer (folder and zip sources) and the CLI's entry points.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class BadInputCases
{
    private static string[] Import(string source, string format, params string[] more) =>
        ["dataset", "import", source, "--format", format, "--name", "bad", .. more];

    private static string Voc(CaseDir d, string xml, string image = "a.png")
    {
        d.Png("voc/JPEGImages/" + image);
        d.Text("voc/Annotations/" + Path.ChangeExtension(image, ".xml"), xml);
        return d.P("voc");
    }

    private static string VocXml(string file, string box) =>
        $"<annotation><filename>{file}</filename><size><width>12</width><height>10</height></size>" +
        $"<object><name>cat</name><bndbox>{box}</bndbox></object></annotation>";

    private static string Coco(CaseDir d, string annotation, string images = "[{\"id\": 1, \"file_name\": \"a.png\", \"width\": 12, \"height\": 10}]")
    {
        d.Png("coco/images/a.png");
        d.Text("coco/annotations.json",
            $"{{\"images\": {images}, \"categories\": [{{\"id\": 1, \"name\": \"cat\"}}], \"annotations\": [{annotation}]}}");
        return d.P("coco");
    }

    private static string Yolo(CaseDir d, string labels, string classes = "cat\n")
    {
        d.Png("yolo/images/a.png");
        d.Png("yolo/images/b.png", shade: 10);
        d.Text("yolo/labels/a.txt", labels);
        d.Text("yolo/classes.txt", classes);
        return d.P("yolo");
    }

    private static string[] LabelTask(string source, string tool) => ["label", "import", source, "--tool", tool, "--name", "bad"];

    private static string Cvat(CaseDir d, string xml)
    {
        d.Png("cvat/images/a.png");
        d.Text("cvat/annotations.xml", xml);
        return d.P("cvat");
    }

    private static string LabelStudio(CaseDir d, string json)
    {
        d.Png("ls/images/a.png");
        d.Text("ls/tasks.json", json);
        return d.P("ls");
    }

    private static string LabelMe(CaseDir d, string json)
    {
        d.Png("lm/a.png");
        d.Text("lm/a.json", json);
        return d.P("lm");
    }

    private static string LabelMeJson(string points) =>
        $"{{\"imagePath\": \"a.png\", \"imageWidth\": 12, \"imageHeight\": 10, \"shapes\": [{{\"label\": \"cat\", \"shape_type\": \"rectangle\", \"points\": {points}}}]}}";

    private static byte[] IdxHeader(params int[] dims)
    {
        var b = new byte[4 + 4 * dims.Length];
        b[2] = 0x08;
        b[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * i), dims[i]);
        return b;
    }

    private static byte[] Gzip(byte[] data, int repeatZeros = 0)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
            var zeros = new byte[1 << 20];
            for (int i = 0; i < repeatZeros; i++) gz.Write(zeros);
        }
        return output.ToArray();
    }

    /// <summary>A gzip stream that inflates to about <paramref name="megabytes"/> MB: one member of 100 MB of zeros, repeated (gzip members concatenate).</summary>
    private static void GzipBomb(string path, byte[] head, int megabytes)
    {
        byte[] first = Gzip(head, 100);
        byte[] member = Gzip([], 100);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        file.Write(first);
        for (int written = 100; written < megabytes; written += 100) file.Write(member);
    }

    private static byte[] Bmp(int width, int height)
    {
        var b = new byte[54 + 16];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        return b;
    }

    private static byte[] PngWithSize(uint width, uint height)
    {
        var png = CaseDir.PngBytes();
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        return png;
    }

    /// <summary>A zip whose entries' declared (uncompressed) sizes are rewritten in both the local and the central headers.</summary>
    private static string ZipDeclaring(CaseDir d, string name, uint declared, params (string Name, byte[] Bytes)[] entries)
    {
        string path = d.Zip(name, entries);
        var bytes = File.ReadAllBytes(path);
        for (int i = 0; i + 30 < bytes.Length; i++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (sig == 0x04034b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), declared);
            else if (sig == 0x02014b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), declared);
        }
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Npy(CaseDir d, string name, string header, byte[]? data = null)
    {
        string dict = header.PadRight(118) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add(1); bytes.Add(0);
        bytes.Add((byte)(dict.Length & 0xFF)); bytes.Add((byte)(dict.Length >> 8));
        bytes.AddRange(Encoding.ASCII.GetBytes(dict));
        bytes.AddRange(data ?? new byte[64]);
        return d.Bytes(name, [.. bytes]);
    }

    private static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }

    private static byte[] CorruptMiddle(byte[] jpeg)
    {
        var copy = (byte[])jpeg.Clone();
        var rng = new Random(7);
        int start = copy.Length * 2 / 5, end = copy.Length * 3 / 5;
        for (int i = start; i < end; i++) copy[i] = (byte)rng.Next(256);
        return copy;
    }

    private static string Deep(string open, string close, int depth) =>
        new StringBuilder(depth * (open.Length + close.Length)).Insert(0, open, depth).Insert(depth * open.Length, close, depth).ToString();

    public static readonly IReadOnlyList<BadCase> All =
    [
        // ---- the known crashes and hangs
        new("duplicate-bytes-under-many-names", d =>
        {
            var png = CaseDir.PngBytes(20, 20, 77);
            for (int i = 0; i < 40; i++) d.Bytes($"dup/c/{i:00}.png", png);
            return Import(d.P("dup"), "folders");
        }, new Expect.Ok()),
        new("coco-score-1e400", d => Import(Coco(d, "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"score\": 1e400}"), "coco"),
            new Expect.Rejected("annotations.json", "finite")),
        new("coco-area-1e400", d => Import(Coco(d, "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 5, 5], \"area\": 1e400}"), "coco"),
            new Expect.Rejected("annotations.json", "finite")),
        new("coco-bbox-1e400", d => Import(Coco(d, "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 1e400, 5]}"), "coco"),
            new Expect.Rejected("annotations.json", "finite")),
        new("coco-polygon-1e400", d => Import(Coco(d, "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"segmentation\": [[1, 1, 5, 1, 1e400, 5]]}"), "coco"),
            new Expect.Rejected("annotations.json", "finite")),
        new("yolo-column-1e400", d => Import(Yolo(d, "0 0.5 0.5 1e400 0.2\n"), "yolo"), new Expect.Rejected("a.txt", "finite")),
        new("yolo-column-nan", d => Import(Yolo(d, "0 0.5 NaN 0.2 0.2\n"), "yolo"), new Expect.Rejected("a.txt", "finite")),
        new("yolo-score-infinity", d => Import(Yolo(d, "0 0.5 0.5 0.2 0.2 Infinity\n"), "yolo"), new Expect.Rejected("a.txt", "finite")),
        new("voc-box-1e400", d => Import(Voc(d, VocXml("a.png", "<xmin>1</xmin><ymin>1</ymin><xmax>1e400</xmax><ymax>5</ymax>")), "voc"),
            new Expect.Rejected("a.xml", "finite numbers")),
        new("labelme-point-1e400", d => Import(LabelMe(d, LabelMeJson("[[1, 1], [1e400, 5]]")), "labelme"),
            new Expect.Rejected("a.json", "finite")),
        new("bmp-height-min-int", d =>
        {
            d.Png("f/c/good.png");
            d.Bytes("f/c/tall.bmp", Bmp(4, int.MinValue));
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("tall.bmp", "height")),
        new("bmp-width-negative", d =>
        {
            d.Png("f/c/good.png");
            d.Bytes("f/c/w.bmp", Bmp(-4, 4));
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("w.bmp", "width")),
        new("idx-dimensions-overflow", d =>
        {
            d.Bytes("idx/train-images-idx3-ubyte", [.. IdxHeader(int.MaxValue, int.MaxValue, int.MaxValue), .. new byte[64]]);
            return Import(d.P("idx"), "idx");
        }, new Expect.Error(2, "train-images-idx3-ubyte", "declares")),
        new("idx-image-size-overflow", d =>
        {
            d.Bytes("idx/train-images-idx3-ubyte", [.. IdxHeader(1, 65536, 65536), .. new byte[64]]);
            return Import(d.P("idx"), "idx");
        }, new Expect.Error(2, "train-images-idx3-ubyte", "65536")),
        new("idx-gz-inflates-to-2.2GB", d =>
        {
            GzipBomb(d.P("idx/train-images-idx3-ubyte.gz"), [.. IdxHeader(2, 28, 28), .. new byte[2 * 28 * 28]], 2200);
            return Import(d.P("idx"), "idx");
        }, new Expect.Error(2, "train-images-idx3-ubyte.gz", "more data than its header declares")),
        new("idx-truncated", d =>
        {
            d.Bytes("idx/train-images-idx3-ubyte", [.. IdxHeader(10, 28, 28), .. new byte[100]]);
            return Import(d.P("idx"), "idx");
        }, new Expect.Error(2, "train-images-idx3-ubyte", "truncated")),
        new("idx-value-type", d =>
        {
            var h = IdxHeader(1, 2, 2);
            h[2] = 0x0D;
            d.Bytes("idx/train-images-idx3-ubyte", [.. h, .. new byte[16]]);
            return Import(d.P("idx"), "idx");
        }, new Expect.Error(2, "train-images-idx3-ubyte", "not supported")),
        new("idx-label-count-mismatch", d =>
        {
            d.Bytes("idx/train-images-idx3-ubyte", [.. IdxHeader(2, 2, 2), .. new byte[8]]);
            d.Bytes("idx/train-labels-idx1-ubyte", [.. IdxHeader(3), 0, 1, 2]);
            return Import(d.P("idx"), "idx");
        }, new Expect.Error(2, "train-labels-idx1-ubyte", "3 labels for 2 images")),
        new("idx-corrupt-gzip", d =>
        {
            var gz = Gzip([.. IdxHeader(2, 2, 2), .. new byte[8]]);
            d.Bytes("idx/train-images-idx3-ubyte.gz", gz[..(gz.Length / 2)]);
            return Import(d.P("idx"), "idx");
        }, new Expect.Error(2, "train-images-idx3-ubyte.gz", "gzip")),
        new("path-over-4096-bytes", d => Import(d.P(new string('a', 250) + "/" + string.Join('/', Enumerable.Repeat(new string('b', 250), 17))), "folders"),
            new Expect.Error(2, "bbbb", "longer than")),
        new("symlink-loop-folder", d =>
        {
            d.Png("f/c/good.png");
            d.Symlink("f/c/loop", d.P("f"));
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("loop", "symbolic link")),
        new("symlink-loop-file", d =>
        {
            d.Png("f/c/good.png");
            d.Symlink("f/c/x.png", d.P("f/c/y.png"));
            d.Symlink("f/c/y.png", d.P("f/c/x.png"));
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("x.png", "symbolic link")),
        new("fifo-as-image-folders", d =>
        {
            d.Png("f/c/good.png");
            d.Fifo("f/c/pipe.png");
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("pipe.png", "not a regular file")),
        new("fifo-as-voc-annotation", d =>
        {
            d.Png("voc/JPEGImages/a.png");
            d.Png("voc/JPEGImages/b.png", shade: 3);
            d.Text("voc/Annotations/b.xml", VocXml("b.png", "<xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax>"));
            d.Fifo("voc/Annotations/a.xml");
            return Import(d.P("voc"), "voc");
        }, new Expect.Rejected("a.xml", "not a regular file")),
        new("fifo-as-yolo-labels", d =>
        {
            string src = Yolo(d, "0 0.5 0.5 0.2 0.2\n");
            d.Fifo("yolo/labels/b.txt");
            return Import(src, "yolo");
        }, new Expect.Rejected("b.txt", "not a regular file")),
        new("fifo-as-coco-json", d =>
        {
            d.Png("coco/images/a.png");
            d.Fifo("coco/annotations.json");
            return Import(d.P("coco"), "coco");
        }, new Expect.Error(2, "annotations.json", "no COCO annotation file")),
        new("voc-nested-200k-deep", d => Import(Voc(d, "<annotation>" + Deep("<a>", "</a>", 200_000) + "</annotation>"), "voc"),
            new Expect.Error(2, "a.xml", "deep")),
        new("voc-labels-txt-100k-lines", d =>
        {
            string src = Voc(d, VocXml("a.png", "<xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax>"));
            d.Text("voc/labels.txt", string.Join('\n', Enumerable.Range(0, 100_000).Select(i => "class" + i)));
            return Import(src, "voc");
        }, new Expect.Error(2, "labels.txt", "100000 classes")),
        new("yolo-classes-txt-100k-lines", d => Import(Yolo(d, "0 0.5 0.5 0.2 0.2\n", string.Join('\n', Enumerable.Range(0, 100_000).Select(i => "c" + i))), "yolo"),
            new Expect.Error(2, "classes.txt", "100000 classes")),
        new("zip-four-1GB-entries", d => Import(ZipDeclaring(d, "bomb.zip", 1u << 30,
                ("c/a.png", new byte[1 << 20]), ("c/b.png", new byte[1 << 20]), ("c/c.png", new byte[1 << 20]), ("c/d.png", new byte[1 << 20])), "folders"),
            new Expect.Error(2, "bomb.zip", "over the limit")),
        new("zip-entry-inflates-past-declared-size", d => Import(ZipDeclaring(d, "liar.zip", 1000,
                ("c/a.png", new byte[600 << 20])), "folders"),
            new Expect.Error(2, "liar.zip", "not an image")), // the read stops at the declared 1,000 bytes
        new("zip-annotation-json-1GB-declared", d =>
        {
            d.Png("z/images/a.png");
            var png = File.ReadAllBytes(d.P("z/images/a.png"));
            Directory.Delete(d.P("z"), true);
            return Import(ZipDeclaring(d, "coco.zip", 1u << 30, ("annotations.json", new byte[1 << 16]), ("images/a.png", png)), "coco");
        }, new Expect.Error(2, "annotations.json", "over the limit")),
        new("npy-shape-abc", d => ["search", "add", "g", "--vectors", Npy(d, "v.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (abc, 4), }")],
            new Expect.Error(2, "v.npy", "shape")),
        new("npy-shape-huge", d => ["search", "add", "g", "--vectors", Npy(d, "v.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999, 4), }")],
            new Expect.Error(2, "v.npy", "shape")),
        new("npy-descr-float64", d => ["search", "add", "g", "--vectors", Npy(d, "v.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 4), }")],
            new Expect.Error(2, "v.npy", "f8")),
        new("npy-bad-magic", d => ["search", "add", "g", "--vectors", d.Text("v.npy", "not numpy at all")],
            new Expect.Error(2, "v.npy", "npy")),
        new("search-query-k-2000000000", d => ["search", "query", "g", "--vectors", Npy(d, "q.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", Floats(1, 0, 0, 0)), "--k", "2000000000"],
            new Expect.Error(2, "--k", "2000000000")),
        new("search-query-k-zero", d => ["search", "query", "g", "--vectors", Npy(d, "q.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", Floats(1, 0, 0, 0)), "--k", "0"],
            new Expect.Error(2, "--k", "0")),
        new("predict-out-proc", d => ["predict", d.Fixture.Model, d.Fixture.GoodImage, "--out", "/proc/x"],
            new Expect.Error(2, "/proc/x", "cannot write")),
        new("export-out-proc", _ => ["dataset", "export", "base", "--format", "folders", "--out", "/proc/x"],
            new Expect.Error(2, "/proc/x", "cannot")),
        new("unwritable-workspace", d =>
        {
            string home = d.Dir("ro-home");
            File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            d.HomeOverride = home;
            d.Png("f/c/a.png");
            return Import(d.P("f"), "folders");
        }, new Expect.Error(2, "ro-home", "not writable")),
        new("workspace-is-a-file", d =>
        {
            d.HomeOverride = d.Text("home-file", "x");
            return ["dataset", "list"];
        }, new Expect.Error(2, "home-file", "not a folder")),
        new("unreadable-folder-reported", d =>
        {
            d.Png("f/c/good.png");
            d.Png("f/locked/x.png");
            File.SetUnixFileMode(d.P("f/locked"), UnixFileMode.None);
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("locked", "permission denied")),
        new("unreadable-image-reported", d =>
        {
            d.Png("f/c/good.png");
            d.Png("f/c/secret.png", shade: 5);
            File.SetUnixFileMode(d.P("f/c/secret.png"), UnixFileMode.None);
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("secret.png", "denied")),
        new("tiff-reported", d =>
        {
            d.Png("f/c/good.png");
            d.Bytes("f/c/scan.tiff", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0]);
            return Import(d.P("f"), "folders");
        }, new Expect.Rejected("scan.tiff", "not supported")),
        new("verify-decode-corrupt-jpeg-middle", d =>
        {
            d.Png("f/c/good.png");
            d.Bytes("f/c/broken.jpg", CorruptMiddle(CaseDir.JpegBytes(96, 96)));
            return Import(d.P("f"), "folders", "--verify", "decode");
        }, new Expect.Rejected("broken.jpg", "corrupt JPEG data")),
        new("verify-decode-whole-jpegs-pass", d =>
        {
            d.Bytes("f/c/noise.jpg", CaseDir.JpegBytes(96, 96));
            d.Bytes("f/c/odd.jpg", CaseDir.JpegBytes(37, 53));
            return Import(d.P("f"), "folders", "--verify", "decode");
        }, new Expect.Ok()),
        new("search-compare-nan", d =>
        {
            string a = Npy(d, "a.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", Floats(float.NaN, 0, 0, 0));
            string b = Npy(d, "b.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", Floats(1, 0, 0, 0));
            return ["search", "compare", "--a", a, "--b", b];
        }, new Expect.Error(2, "a.npy", "NaN")),
        new("parser-error-unknown-option", _ => ["dataset", "list", "--bogus"], new Expect.Error(2, "--bogus", "--bogus")),
        new("parser-error-bad-int", _ => ["search", "query", "g", "--vectors", "x.npy", "--k", "abc"], new Expect.Error(2, "abc", "abc")),
        new("parser-error-missing-required", _ => ["dataset", "import", "x"], new Expect.Error(2, "--format", "--format")),
        new("parser-error-unknown-command", _ => ["dataset", "frobnicate"], new Expect.Error(2, "frobnicate", "frobnicate")),

        // ---- importers: more malformed files
        new("voc-malformed-xml", d => Import(Voc(d, "<annotation><object><name>cat</name>"), "voc"), new Expect.Error(2, "a.xml", "malformed XML")),
        new("voc-dtd-entity", d => Import(Voc(d, "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><annotation>&x;</annotation>"), "voc"),
            new Expect.Error(2, "a.xml", "DTD")),
        new("voc-wrong-root", d => Import(Voc(d, "<notvoc/>"), "voc"), new Expect.Error(2, "a.xml", "root element")),
        new("voc-box-not-numbers", d => Import(Voc(d, VocXml("a.png", "<xmin>one</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax>")), "voc"),
            new Expect.Rejected("a.xml", "finite numbers")),
        new("voc-image-missing", d =>
        {
            d.Text("voc/Annotations/a.xml", VocXml("a.png", "<xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax>"));
            d.Dir("voc/JPEGImages");
            return Import(d.P("voc"), "voc");
        }, new Expect.Error(2, "a.xml", "not found")),
        new("voc-no-annotations", d => Import(d.Dir("voc"), "voc"), new Expect.Error(2, "voc", "no Pascal VOC annotations")),
        new("coco-malformed-json", d =>
        {
            d.Png("coco/images/a.png");
            d.Text("coco/annotations.json", "{\"images\": [");
            return Import(d.P("coco"), "coco");
        }, new Expect.Error(2, "annotations.json", "malformed JSON")),
        new("coco-deep-json", d =>
        {
            d.Png("coco/images/a.png");
            d.Text("coco/annotations.json", "{\"images\": " + Deep("[", "]", 100_000) + "}");
            return Import(d.P("coco"), "coco");
        }, new Expect.Error(2, "annotations.json", "depth")),
        new("coco-top-level-array", d =>
        {
            d.Png("coco/images/a.png");
            d.Text("coco/annotations.json", "[1, 2]");
            return Import(d.P("coco"), "coco");
        }, new Expect.Error(2, "annotations.json", "top level")),
        new("coco-file-name-absolute", d => Import(Coco(d, "", "[{\"id\": 1, \"file_name\": \"/etc/passwd\"}]"), "coco"),
            new Expect.Rejected("annotations.json", "not a relative path")),
        new("coco-file-name-dotdot", d => Import(Coco(d, "", "[{\"id\": 1, \"file_name\": \"../../x.png\"}]"), "coco"),
            new Expect.Rejected("annotations.json", "not a relative path")),
        new("coco-unknown-category", d => Import(Coco(d, "{\"id\": 1, \"image_id\": 1, \"category_id\": 9, \"bbox\": [1, 1, 5, 5]}"), "coco"),
            new Expect.Rejected("annotations.json", "unknown category_id 9")),
        new("coco-bbox-strings", d => Import(Coco(d, "{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [\"1\", 1, 5, 5]}"), "coco"),
            new Expect.Rejected("annotations.json", "bbox")),
        new("yolo-malformed-line", d => Import(Yolo(d, "0 0.5 0.5\n"), "yolo"), new Expect.Rejected("a.txt", "line 1")),
        new("yolo-class-id-huge", d => Import(Yolo(d, "99999999999 0.5 0.5 0.2 0.2\n"), "yolo"), new Expect.Rejected("a.txt", "line 1")),
        new("yolo-no-class-file", d =>
        {
            d.Png("yolo/images/a.png");
            d.Text("yolo/labels/a.txt", "0 0.5 0.5 0.2 0.2\n");
            return Import(d.P("yolo"), "yolo");
        }, new Expect.Error(2, "yolo", "data.yaml")),
        new("yolo-malformed-yaml", d =>
        {
            d.Png("yolo/images/a.png");
            d.Text("yolo/data.yaml", "names: [cat, dog\n  : : :");
            return Import(d.P("yolo"), "yolo");
        }, new Expect.Error(2, "data.yaml", "YAML")),
        new("labelme-malformed-json", d => Import(LabelMe(d, "{\"shapes\": [}"), "labelme"), new Expect.Error(2, "a.json", "malformed JSON")),
        new("labelme-image-path-dotdot", d => Import(d.Text("lm/a.json", "{\"imagePath\": \"../../../../../../etc/passwd\", \"shapes\": []}")[..^7], "labelme"),
            new Expect.Error(2, "a.json", "not found")),
        new("folders-not-an-image", d =>
        {
            d.Text("f/c/x.png", "this is text");
            return Import(d.P("f"), "folders");
        }, new Expect.Error(2, "x.png", "not an image")),
        new("folders-truncated-png", d =>
        {
            var png = CaseDir.PngBytes(40, 40);
            d.Bytes("f/c/t.png", png[..(png.Length - 20)]);
            return Import(d.P("f"), "folders");
        }, new Expect.Error(2, "t.png", "truncated")),
        new("folders-pixel-bomb-header", d =>
        {
            d.Bytes("f/c/big.png", PngWithSize(100_000, 100_000));
            return Import(d.P("f"), "folders");
        }, new Expect.Error(2, "big.png", "above the limit")),
        new("folders-png-zero-width", d =>
        {
            d.Bytes("f/c/z.png", PngWithSize(0, 10));
            return Import(d.P("f"), "folders");
        }, new Expect.Error(2, "z.png", "width")),
        new("folders-empty-file", d =>
        {
            d.Bytes("f/c/e.jpg", []);
            return Import(d.P("f"), "folders");
        }, new Expect.Error(2, "e.jpg", "empty")),
        new("folders-empty-folder", d => Import(d.Dir("f"), "folders"), new Expect.Error(2, "f", "no image files")),
        new("source-is-not-a-zip", d => Import(d.Text("a.txt", "x"), "folders"), new Expect.Error(2, "a.txt", "not a .zip")),
        new("source-missing", d => Import(d.P("nothing"), "folders"), new Expect.Error(3, "nothing", "does not exist")),
        new("zip-not-a-zip", d => Import(d.Text("x.zip", "not a zip"), "folders"), new Expect.Error(2, "x.zip", "not a readable zip")),
        new("zip-truncated", d =>
        {
            string zip = d.Zip("t.zip", ("c/a.png", CaseDir.PngBytes()));
            var bytes = File.ReadAllBytes(zip);
            File.WriteAllBytes(zip, bytes[..(bytes.Length / 2)]);
            return Import(zip, "folders");
        }, new Expect.Error(2, "t.zip", "zip")),
        new("zip-slip", d => Import(d.Zip("s.zip", ("../evil.png", CaseDir.PngBytes())), "folders"), new Expect.Error(2, "s.zip", "..")),
        new("zip-duplicate-entry", d => Import(d.Zip("dup.zip", ("c/a.png", CaseDir.PngBytes()), ("c/a.png", CaseDir.PngBytes(3, 3))), "folders"),
            new Expect.Error(2, "dup.zip", "more than once")),
        new("import-unknown-format", d => Import(d.Dir("f"), "tiffy"), new Expect.Error(2, "tiffy", "tiffy")),
        new("import-bad-dataset-name", d =>
        {
            d.Png("f/c/a.png");
            return ["dataset", "import", d.P("f"), "--format", "folders", "--name", "a/b"];
        }, new Expect.Error(2, "a/b", "a/b")),
        new("import-bad-verify", d => Import(d.Dir("f"), "folders", "--verify", "maybe"), new Expect.Error(2, "--verify", "maybe")),
        new("import-bad-map", d => Import(d.Dir("f"), "folders", "--map", "noequals"), new Expect.Error(2, "--map", "noequals")),
        new("import-negative-max-pixels", d => Import(d.Dir("f"), "folders", "--max-pixels", "-5"), new Expect.Error(2, "--max-pixels", "-5")),

        // ---- CVAT and Label Studio: as dataset imports and as finished labelling tasks (seer label import; the server's cvat-task / labelstudio-task)
        new("cvat-malformed-xml", d => Import(Cvat(d, "<annotations><image name=\"a.png\">"), "cvat"), new Expect.Error(2, "annotations.xml", "malformed XML")),
        new("cvat-wrong-root", d => Import(Cvat(d, "<tasks/>"), "cvat"), new Expect.Error(2, "annotations.xml", "root element")),
        new("cvat-dtd-entity", d => Import(Cvat(d, "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><annotations>&x;</annotations>"), "cvat"),
            new Expect.Error(2, "annotations.xml", "DTD")),
        new("labelstudio-malformed-json", d => Import(LabelStudio(d, "[{\"data\": "), "labelstudio"), new Expect.Error(2, "tasks.json", "malformed JSON")),
        new("labelstudio-task-without-image", d => Import(LabelStudio(d, "{\"data\": {}}"), "labelstudio"),
            new Expect.Rejected("tasks.json", "task without an image")), // one task object is read as a list of one
        new("label-task-cvat-malformed-xml", d => LabelTask(Cvat(d, "<annotations><image"), "cvat"), new Expect.Error(2, "annotations.xml", "malformed XML")),
        new("label-task-cvat-wrong-root", d => LabelTask(Cvat(d, "<project/>"), "cvat"), new Expect.Error(2, "annotations.xml", "root element")),
        new("label-task-labelstudio-malformed-json", d => LabelTask(LabelStudio(d, "[{"), "labelstudio"), new Expect.Error(2, "tasks.json", "malformed JSON")),
        new("label-task-labelstudio-not-an-array", d => LabelTask(LabelStudio(d, "7"), "labelstudio"), new Expect.Error(2, "tasks.json", "JSON array")),
        new("label-task-zip-slip", d => LabelTask(d.Zip("task.zip", ("../annotations.xml", "<annotations/>"u8.ToArray())), "cvat"), new Expect.Error(2, "task.zip", "..")),

        // ---- predict, eval, search, mine, train, export
        new("predict-fifo-image", d => ["predict", d.Fixture.Model, d.Fifo("pipe.png")], new Expect.Error(2, "pipe.png", "not a regular file")),
        new("predict-folder-with-fifo", d =>
        {
            d.Dir("imgs");
            File.Copy(d.Fixture.GoodImage, d.P("imgs/good.png"));
            d.Fifo("imgs/pipe.png");
            return ["predict", d.Fixture.Model, d.P("imgs")];
        }, new Expect.Ok("pipe.png")),
        new("predict-corrupt-image", d => ["predict", d.Fixture.Model, d.Text("bad.png", "not a png")], new Expect.Error(2, "bad.png", "decode")),
        new("predict-model-not-onnx", d => ["predict", d.Text("m.onnx", "garbage"), d.Fixture.GoodImage], new Expect.Error(2, "m.onnx", "onnx")),
        new("predict-batch-zero", d => ["predict", d.Fixture.Model, d.Fixture.GoodImage, "--batch", "0"], new Expect.Error(2, "--batch", "0")),
        new("predict-threshold-nan", d => ["predict", d.Fixture.Model, d.Fixture.GoodImage, "--threshold", "NaN"], new Expect.Error(2, "--threshold", "NaN")),
        new("eval-gt-malformed", d => ["eval", "detection", "--gt", d.Text("gt.json", "{"), "--pred", d.Text("p.json", "[]")],
            new Expect.Error(2, "gt.json", "JSON")),
        new("eval-pred-score-1e400", d => ["eval", "detection",
                "--gt", d.Text("gt.json", "{\"images\": [{\"id\": 1}], \"categories\": [{\"id\": 1, \"name\": \"a\"}], \"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4]}]}"),
                "--pred", d.Text("p.json", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 1, 4, 4], \"score\": 1e400}]")],
            new Expect.Error(2, "p.json", "score")),
        new("eval-pred-not-array", d => ["eval", "detection",
                "--gt", d.Text("gt.json", "{\"images\": [], \"categories\": [], \"annotations\": []}"), "--pred", d.Text("p.json", "{\"a\": 1}")],
            new Expect.Error(2, "p.json", "array")),
        new("eval-pred-fifo", d => ["eval", "detection",
                "--gt", d.Text("gt.json", "{\"images\": [], \"categories\": [], \"annotations\": []}"), "--pred", d.Fifo("p.json")],
            new Expect.Error(2, "p.json", "not a regular file")),
        new("eval-classification-gt-malformed", d => ["eval", "classification", "--gt", d.Text("gt.json", "{\"items\": 3}"), "--pred", d.Text("p.json", "[]")],
            new Expect.Error(2, "gt.json", "classes")),
        // scale-out commands: a bad URL or slot count is refused before anything is opened or written
        new("admin-migrate-to-not-postgres", _ => ["admin", "migrate", "--to", "mysql://u:p@127.0.0.1:3306/db"],
            new Expect.Error(2, "--to", "not a PostgreSQL URL")),
        new("admin-migrate-blobs-not-s3", _ => ["admin", "migrate", "--to", "postgres://u:p@127.0.0.1:1/db", "--blobs", "ftp://host/x"],
            new Expect.Error(2, "--blobs", "not an S3 location")),
        new("admin-migrate-to-unreachable", _ => ["admin", "migrate", "--to", "postgres://u:p@127.0.0.1:1/db"],
            new Expect.Error(5, "--to", "cannot open the PostgreSQL database")),
        new("worker-without-db", _ => ["worker", "--cpu", "1"], new Expect.Error(2, "--db", "set SEER_DB")),
        new("worker-cpu-zero", _ => ["worker", "--db", "postgres://u:p@127.0.0.1:1/db", "--cpu", "0"], new Expect.Error(2, "--cpu", "at least 1")),
        new("worker-gpus-not-ids", _ => ["worker", "--db", "postgres://u:p@127.0.0.1:1/db", "--gpus", "a,b"], new Expect.Error(2, "--gpus", "GPU ids")),
        new("search-create-dim-zero", _ => ["search", "group", "create", "h", "--dim", "0", "--metric", "ip"], new Expect.Error(2, "dim", "0")),
        new("search-create-dim-huge", _ => ["search", "group", "create", "h", "--dim", "2000000000", "--metric", "ip"], new Expect.Error(2, "dim", "2000000000")),
        new("search-create-bad-metric", _ => ["search", "group", "create", "h", "--dim", "4", "--metric", "manhattan"], new Expect.Error(2, "metric", "manhattan")),
        new("search-add-nan-vector", d => ["search", "add", "g", "--vectors", Npy(d, "v.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", Floats(1, float.NaN, 0, 0))],
            new Expect.Error(2, "v.npy", "NaN")),
        new("search-add-wrong-dimension", d => ["search", "add", "g", "--vectors", Npy(d, "v.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", Floats(1, 0, 0))],
            new Expect.Error(2, "v.npy", "dimension")),
        new("search-add-fvecs-negative-dim", d => ["search", "add", "g", "--vectors", d.Bytes("v.fvecs", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])],
            new Expect.Error(2, "v.fvecs", "dimension")),
        new("search-add-ids-count-mismatch", d => ["search", "add", "g",
                "--vectors", Npy(d, "v.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", Floats(1, 0, 0, 0, 0, 1, 0, 0)),
                "--ids", d.Text("ids.txt", "only-one\n")],
            new Expect.Error(2, "ids.txt", "1")),
        new("search-add-fifo-vectors", d => ["search", "add", "g", "--vectors", d.Fifo("v.npy")], new Expect.Error(2, "v.npy", "not a regular file")),
        new("search-add-duplicate-ids-in-batch", d => ["search", "add", "g",
                "--vectors", Npy(d, "v.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", Floats(1, 0, 0, 0, 0, 1, 0, 0)),
                "--ids", d.Text("ids.txt", "same\nsame\n")],
            new Expect.Error(2, "same", "same")),
        new("mine-topk-zero", d => ["mine", d.Fixture.Model, "base", "--topk", "0"], new Expect.Error(2, "--topk", "0")),
        new("mine-pool-missing", d => ["mine", d.Fixture.Model, "nope", "--topk", "1"], new Expect.Error(3, "nope", "does not exist")),
        new("train-params-malformed", d => ["train", "--task", "classify", "--train", "base", "--val", "base", "--params", d.Text("p.json", "{\"epochs\": ")],
            new Expect.Error(2, "p.json", "JSON")),
        new("train-params-negative-epochs", d => ["train", "--task", "classify", "--train", "base", "--val", "base", "--params", d.Text("p.json", "{\"epochs\": -3}")],
            new Expect.Error(2, "epochs", "-3")),
        new("train-params-fifo", d => ["train", "--task", "classify", "--train", "base", "--val", "base", "--params", d.Fifo("p.json")],
            new Expect.Error(2, "p.json", "not a regular file")),
        new("train-epochs-huge", _ => ["train", "--task", "classify", "--train", "base", "--val", "base", "--epochs", "2000000000"],
            new Expect.Error(2, "epochs", "2000000000")),
        new("export-unknown-format", d => ["dataset", "export", "base", "--format", "tiffy", "--out", d.P("out")], new Expect.Error(2, "tiffy", "tiffy")),
        new("export-out-is-a-file", d => ["dataset", "export", "base", "--format", "folders", "--out", d.Text("out", "x")],
            new Expect.Error(4, "out", "is a file")),
    ];
}
