using Seer.Core.Geometry;
using Seer.Imaging.Preprocess;
using Seer.Training.Options;

namespace Seer.Training.Data;

/// <summary>
/// Detection augmentations on a letterboxed square canvas, applied to image and boxes together: horizontal flip,
/// scale jitter and translation around the centre (one nearest-neighbour resample, grey border), brightness and
/// contrast jitter. Boxes are clipped; boxes left with under 4 px on a side or under a third of their area are dropped.
/// </summary>
public static class DetectionAugment
{
    public static DetectionSample Apply(DetectionSample sample, TrainingOptions o, Random rng)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(rng);
        RgbImage image = sample.Image;
        int s = image.Width;
        bool flip = rng.NextDouble() < o.FlipProbability;
        double scale = o.ScaleJitter > 0 ? 1 + (rng.NextDouble() * 2 - 1) * o.ScaleJitter : 1;
        double dx = (rng.NextDouble() * 2 - 1) * o.Translate * s, dy = (rng.NextDouble() * 2 - 1) * o.Translate * s;
        double contrast = o.ColorJitter > 0 ? 1 + (rng.NextDouble() * 2 - 1) * o.ColorJitter : 1;
        double brightness = o.ColorJitter > 0 ? (rng.NextDouble() * 2 - 1) * o.ColorJitter * 64 : 0;
        double c = s / 2.0;
        // forward map (after flip): x' = (x - c) * scale + c + dx
        double Fx(double x) => (x - c) * scale + c + dx;
        double Fy(double y) => (y - c) * scale + c + dy;

        byte[] src = image.Pixels;
        var dst = new byte[src.Length];
        Array.Fill(dst, Letterbox.DefaultPad);
        bool colour = contrast != 1 || brightness != 0;
        for (int y = 0; y < s; y++)
        {
            int sy = (int)Math.Floor((y + 0.5 - c - dy) / scale + c);
            if ((uint)sy >= (uint)s) continue;
            for (int x = 0; x < s; x++)
            {
                int sx = (int)Math.Floor((x + 0.5 - c - dx) / scale + c);
                if ((uint)sx >= (uint)s) continue;
                if (flip) sx = s - 1 - sx;
                int si = (sy * s + sx) * 3, di = (y * s + x) * 3;
                for (int k = 0; k < 3; k++)
                    dst[di + k] = colour ? (byte)Math.Clamp((src[si + k] - 128) * contrast + 128 + brightness, 0, 255) : src[si + k];
            }
        }

        var boxes = new List<BoxXyxy>(sample.Boxes.Length);
        var classes = new List<int>(sample.Boxes.Length);
        for (int i = 0; i < sample.Boxes.Length; i++)
        {
            BoxXyxy b = sample.Boxes[i];
            if (flip) b = new BoxXyxy(s - b.X2, b.Y1, s - b.X1, b.Y2);
            var moved = new BoxXyxy(Fx(b.X1), Fy(b.Y1), Fx(b.X2), Fy(b.Y2));
            BoxXyxy clipped = moved.Clip(s, s);
            if (clipped.Width < 4 || clipped.Height < 4 || clipped.Area < moved.Area / 3) continue;
            boxes.Add(clipped);
            classes.Add(sample.Classes[i]);
        }
        return new DetectionSample(new RgbImage(s, s, dst), boxes.ToArray(), classes.ToArray(), sample.Transform);
    }
}
