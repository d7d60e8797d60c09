using System.IO.Compression;
using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Training.Data;

namespace TrainBench;

/// <summary>
/// Reads an IDX image/label pair (Fashion-MNIST) into an in-memory dataset snapshot of PNG images tagged with class
/// names, the shape the IDX importer produces in a workspace.
/// </summary>
internal static class IdxSnapshot
{
    public static readonly string[] FashionClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static DatasetSnapshot Load(string imagesGz, string labelsGz, string name, int limit = int.MaxValue)
    {
        byte[] images = ReadGz(imagesGz);
        byte[] labels = ReadGz(labelsGz);
        int count = Math.Min(BigEndian(images, 4), limit), rows = BigEndian(images, 8), cols = BigEndian(images, 12);
        var blobs = new InMemoryBlobs();
        var records = new ImageRecord[count];
        Parallel.For(0, count, i =>
        {
            using var mat = new Mat(rows, cols, MatType.CV_8UC1);
            System.Runtime.InteropServices.Marshal.Copy(images, 16 + i * rows * cols, mat.Data, rows * cols);
            Cv2.ImEncode(".png", mat, out byte[] png);
            string hash = blobs.Add(png);
            records[i] = new ImageRecord(hash, $"{name}/{i:D5}.png", cols, rows)
            {
                IsLabelled = true,
                Tags = [FashionClasses[labels[8 + i]]],
            };
        });
        return new DatasetSnapshot(name, "1", FashionClasses, records, blobs);
    }

    private static int BigEndian(byte[] b, int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];

    private static byte[] ReadGz(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
