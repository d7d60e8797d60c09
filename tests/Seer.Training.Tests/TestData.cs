using OpenCvSharp;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Training.Data;

namespace Seer.Training.Tests;

/// <summary>Tiny in-memory datasets (PNG bytes in an in-memory blob reader), generated in the test.</summary>
internal static class TestData
{
    /// <summary>Random-noise images with arbitrary labels: only memorisation can fit them.</summary>
    public static DatasetSnapshot Noise(int count, int size, string[] classes, int seed)
    {
        var rng = new Random(seed);
        var blobs = new InMemoryBlobs();
        var images = new List<ImageRecord>();
        for (int i = 0; i < count; i++)
        {
            var px = new byte[size * size * 3];
            rng.NextBytes(px);
            images.Add(Record(blobs, px, size, size, $"noise/{i}.png") with { IsLabelled = true, Tags = [classes[i % classes.Length]] });
        }
        return new DatasetSnapshot("noise", "1", classes, images, blobs);
    }

    /// <summary>Images whose class is their dominant colour (red, green, blue) with noise: learnable in a few steps.</summary>
    public static DatasetSnapshot Colours(int count, int size, int seed, string name = "colours")
    {
        string[] classes = ["red", "green", "blue"];
        var rng = new Random(seed);
        var blobs = new InMemoryBlobs();
        var images = new List<ImageRecord>();
        for (int i = 0; i < count; i++)
        {
            int c = i % 3;
            var px = new byte[size * size * 3];
            for (int p = 0; p < size * size; p++)
                for (int k = 0; k < 3; k++)
                    px[p * 3 + k] = (byte)(k == c ? 150 + rng.Next(100) : rng.Next(120));
            images.Add(Record(blobs, px, size, size, $"{name}/{i}.png") with { IsLabelled = true, Tags = [classes[c]] });
        }
        return new DatasetSnapshot(name, "1", classes, images, blobs);
    }

    /// <summary>Grey noise images with one or two filled squares (class = colour) and their exact boxes.</summary>
    public static DatasetSnapshot Squares(int count, int size, int seed)
    {
        string[] classes = ["red", "green"];
        var rng = new Random(seed);
        var blobs = new InMemoryBlobs();
        var images = new List<ImageRecord>();
        for (int i = 0; i < count; i++)
        {
            var px = new byte[size * size * 3];
            for (int p = 0; p < px.Length; p++) px[p] = (byte)(90 + rng.Next(40));
            var objects = new List<ObjectAnnotation>();
            int n = 1 + rng.Next(2);
            for (int j = 0; j < n; j++)
            {
                int c = rng.Next(2), side = size / 5 + rng.Next(size / 4);
                int x0 = rng.Next(size - side), y0 = rng.Next(size - side);
                if (objects.Any(o => BoxXyxy.IoU(o.Box, new BoxXyxy(x0, y0, x0 + side, y0 + side)) > 0)) continue;
                for (int y = y0; y < y0 + side; y++)
                    for (int x = x0; x < x0 + side; x++)
                    {
                        int o = (y * size + x) * 3;
                        px[o] = (byte)(c == 0 ? 230 : 20); px[o + 1] = (byte)(c == 1 ? 230 : 20); px[o + 2] = 20;
                    }
                objects.Add(new ObjectAnnotation(classes[c], new BoxXyxy(x0, y0, x0 + side, y0 + side)));
            }
            images.Add(Record(blobs, px, size, size, $"squares/{i}.png") with { IsLabelled = true, Objects = objects });
        }
        return new DatasetSnapshot("squares", "1", classes, images, blobs);
    }

    private static ImageRecord Record(InMemoryBlobs blobs, byte[] rgb, int w, int h, string name)
    {
        using var mat = new Mat(h, w, MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(rgb, 0, mat.Data, rgb.Length);
        using var bgr = new Mat();
        Cv2.CvtColor(mat, bgr, ColorConversionCodes.RGB2BGR);
        Cv2.ImEncode(".png", bgr, out byte[] png);
        return new ImageRecord(blobs.Add(png), name, w, h);
    }
}
