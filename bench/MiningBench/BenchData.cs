using System.IO.Compression;
using OpenCvSharp;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;
using Seer.Imaging.Preprocess;
using Seer.Imaging.Synthesis;

namespace MiningBench;

/// <summary>Real data for the bench: Fashion-MNIST from its IDX files and composite detection scenes, committed as workspace versions.</summary>
internal static class BenchData
{
    public static readonly string[] FashionNames = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"];

    public static (byte[][] Images, byte[] Labels) ReadIdx(string folder, string split)
    {
        byte[] images = Gunzip(Path.Combine(folder, $"{split}-images-idx3-ubyte.gz"));
        byte[] labels = Gunzip(Path.Combine(folder, $"{split}-labels-idx1-ubyte.gz"));
        int n = BigEndian(labels, 4);
        var pixels = new byte[n][];
        for (int i = 0; i < n; i++) pixels[i] = images.AsSpan(16 + i * 784, 784).ToArray();
        return (pixels, labels.AsSpan(8, n).ToArray());
    }

    private static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var m = new MemoryStream();
        gz.CopyTo(m);
        return m.ToArray();
    }

    private static int BigEndian(byte[] b, int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];

    public static byte[] Png(byte[] grey28)
    {
        using var m = Mat.FromPixelData(28, 28, MatType.CV_8UC1, grey28);
        return m.ImEncode(".png");
    }

    /// <summary>Imports the items as one version of <paramref name="dataset"/> (labelled or not) through the import pipeline.</summary>
    public static string Import(Workspace ws, string dataset, IEnumerable<Item> items, bool labelled, IReadOnlyList<string> classes)
    {
        var importItems = items.Select(i => new ImportItem(i.Name, () => new MemoryStream(i.Bytes, writable: false), i.Name)
        {
            IsLabelled = labelled,
            Tags = labelled && i.Tag is not null ? [i.Tag] : [],
            Objects = labelled && i.Objects is not null ? i.Objects : [],
        }).ToList();
        var result = new ImportPipeline(ws).RunAsync(new ImportRead(importItems, classes), new ImportRequest(dataset) { Format = "bench" }, null,
            CancellationToken.None).GetAwaiter().GetResult();
        if (result.Rejected.Count > 0) throw new InvalidOperationException($"{dataset}: {result.Rejected.Count} items rejected: {result.Rejected[0]}");
        return result.Version;
    }

    public static IReadOnlyList<RgbImage> Photos(string folder) =>
        Directory.GetFiles(folder, "*.jpg").Where(f => !f.EndsWith("scream.jpg", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => ImageDecoder.DecodeRgb(File.ReadAllBytes(f), f)).ToList();

    /// <summary>
    /// <paramref name="count"/> composite scenes of 1–3 objects; with <paramref name="emptyFraction"/> &gt; 0 that share
    /// of them (drawn per scene from the seed) are background-only frames, as in inspection or surveillance pools where
    /// most frames hold nothing to label.
    /// </summary>
    public static List<Item> Scenes(IReadOnlyList<RgbImage> photos,
        IReadOnlyList<SynthesisItem> items, int count, int size, int seed, string prefix, double emptyFraction = 0)
    {
        var options = new CompositeOptions { Width = size, Height = size, MinObjects = 1, MaxObjects = 3, MinSize = size / 5, MaxSize = size / 2, Seed = seed };
        var empty = options with { MinObjects = 0, MaxObjects = 0 };
        var pick = new Random(seed);
        return Enumerable.Range(0, count).Select(index =>
        {
            var item = CompositeSynthesizer.Compose(photos, items, index, pick.NextDouble() < emptyFraction ? empty : options, prefix);
            using var s = item.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return new Item(item.FileName, m.ToArray(), null, item.Objects);
        }).ToList();
    }
}

/// <summary>One image for the bench: file name, encoded bytes, class tag (classification) or objects (detection).</summary>
internal sealed record Item(string Name, byte[] Bytes, string? Tag, IReadOnlyList<ObjectAnnotation>? Objects);
