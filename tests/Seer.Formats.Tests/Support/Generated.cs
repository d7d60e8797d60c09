using OpenCvSharp;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;

namespace Seer.Formats.Tests.Support;

/// <summary>Generated datasets of real PNG images with known labels (seeded).</summary>
public static class Generated
{
    public static readonly string[] DetectionClasses = ["person", "bus", "car", "traffic light", "dog"];

    public static readonly string[] ClassificationClasses = ["T-shirt/top", "Trouser", "Bag", "50% off"];

    /// <summary>
    /// A detection set: images of varied sizes, 0-4 boxes each (fractional corners, difficult/truncated flags,
    /// attributes, polygons whose bounds are the box, crowd flags, COCO areas), some labelled negatives and some
    /// unlabelled images, a few in a subfolder.
    /// </summary>
    public static DatasetSnapshot Detection(int count, int seed = 7)
    {
        var rnd = new Random(seed);
        var items = new List<(byte[], ImageRecord)>();
        for (int i = 0; i < count; i++)
        {
            int w = rnd.Next(48, 160), h = rnd.Next(48, 160);
            byte[] png = Png(w, h, 3, rnd);
            string name = (i % 17 == 0 ? "sub/" : "") + $"img_{i:D4}.png";
            bool unlabelled = i % 10 == 9;
            var objects = new List<ObjectAnnotation>();
            int n = unlabelled || i % 10 == 8 ? 0 : rnd.Next(1, 5);
            for (int k = 0; k < n; k++)
            {
                double x1 = rnd.Next(0, w - 10) + (k % 2 == 0 ? 0.5 : 0), y1 = rnd.Next(0, h - 10);
                double x2 = Math.Min(w, x1 + rnd.Next(4, w / 2)), y2 = Math.Min(h, y1 + rnd.Next(4, h / 2) + 0.25);
                var box = new BoxXyxy(x1, y1, x2, y2);
                var o = new ObjectAnnotation(DetectionClasses[rnd.Next(DetectionClasses.Length)], box)
                {
                    Difficult = rnd.Next(6) == 0,
                    Truncated = rnd.Next(5) == 0,
                };
                if (rnd.Next(4) == 0) o = o with { Attributes = new Dictionary<string, string> { ["pose"] = "Left", ["occluded"] = "1" } };
                if (rnd.Next(5) == 0) o = o with { Attributes = new Dictionary<string, string> { ["colour"] = "red", ["parked"] = "true" } };
                if (rnd.Next(4) == 0)
                {
                    var diamond = new List<PointXy>
                    {
                        new(x1, box.CenterY), new(box.CenterX, y1), new(x2, box.CenterY), new(box.CenterX, y2),
                    };
                    o = o with { Polygons = [diamond], Area = box.Area / 2 };
                }
                if (rnd.Next(12) == 0) o = o with { IsCrowd = true };
                objects.Add(o);
            }
            items.Add((png, new ImageRecord("", name, w, h) { IsLabelled = !unlabelled, Objects = objects }));
        }
        return Snapshots.Create(DetectionClasses, items);
    }

    /// <summary>A classification set of 28x28 grey images named split/00001.png, tags from <see cref="ClassificationClasses"/>.</summary>
    public static DatasetSnapshot Classification(int count, int seed = 11, bool withUnlabelled = false)
    {
        var rnd = new Random(seed);
        var items = new List<(byte[], ImageRecord)>();
        int train = 0, test = 0;
        for (int i = 0; i < count; i++)
        {
            bool isTest = i % 4 == 3;
            string name = isTest ? $"test/{++test:D5}.png" : $"train/{++train:D5}.png";
            bool unlabelled = withUnlabelled && i % 9 == 0;
            var record = new ImageRecord("", name, 28, 28)
            {
                IsLabelled = !unlabelled,
                Tags = unlabelled ? [] : [ClassificationClasses[rnd.Next(ClassificationClasses.Length)]],
            };
            items.Add((Png(28, 28, 1, rnd), record));
        }
        return Snapshots.Create(ClassificationClasses, items);
    }

    /// <summary>A PNG of random noise with a filled rectangle (so every image is distinct).</summary>
    public static byte[] Png(int width, int height, int channels, Random rnd)
    {
        using var mat = new Mat(height, width, channels == 1 ? MatType.CV_8UC1 : MatType.CV_8UC3);
        var noise = new byte[width * height * channels];
        rnd.NextBytes(noise);
        System.Runtime.InteropServices.Marshal.Copy(noise, 0, mat.Data, noise.Length);
        Cv2.Rectangle(mat, new Rect(width / 4, height / 4, width / 3, height / 3), Scalar.All(rnd.Next(256)), -1);
        Cv2.ImEncode(".png", mat, out var png);
        return png;
    }

    /// <summary>A JPEG of the given size.</summary>
    public static byte[] Jpeg(int width, int height, Random rnd)
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3, Scalar.All(rnd.Next(256)));
        Cv2.ImEncode(".jpg", mat, out var jpg);
        return jpg;
    }
}
