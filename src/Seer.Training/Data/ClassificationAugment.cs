using Seer.Imaging.Preprocess;
using Seer.Training.Options;

namespace Seer.Training.Data;

/// <summary>
/// Classification augmentations on a size x size RGB image: horizontal flip, scale jitter + translation (one affine
/// resample around the centre, border filled by edge replication-free grey), brightness/contrast jitter.
/// </summary>
public static class ClassificationAugment
{
    public static RgbImage Apply(RgbImage image, TrainingOptions o, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(rng);
        int w = image.Width, h = image.Height;
        bool flip = rng.NextDouble() < o.FlipProbability;
        double scale = o.ScaleJitter > 0 ? 1 + (rng.NextDouble() * 2 - 1) * o.ScaleJitter : 1;
        int maxShift = (int)Math.Round(o.Translate * w);
        int dx = maxShift > 0 ? rng.Next(-maxShift, maxShift + 1) : 0;
        int dy = maxShift > 0 ? rng.Next(-maxShift, maxShift + 1) : 0;
        double contrast = o.ColorJitter > 0 ? 1 + (rng.NextDouble() * 2 - 1) * o.ColorJitter : 1;
        double brightness = o.ColorJitter > 0 ? (rng.NextDouble() * 2 - 1) * o.ColorJitter * 64 : 0;
        if (!flip && scale == 1 && dx == 0 && dy == 0 && contrast == 1 && brightness == 0) return image;

        byte[] src = image.Pixels;
        var dst = new byte[src.Length];
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        bool colour = contrast != 1 || brightness != 0;
        for (int y = 0; y < h; y++)
        {
            int sy = (int)Math.Round((y - dy - cy) / scale + cy);
            for (int x = 0; x < w; x++)
            {
                int sx = (int)Math.Round((x - dx - cx) / scale + cx);
                if (flip) sx = w - 1 - sx;
                int d = (y * w + x) * 3;
                if ((uint)sx >= (uint)w || (uint)sy >= (uint)h) continue; // zero border, as pad-and-crop does
                int s = (sy * w + sx) * 3;
                if (!colour)
                {
                    dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2];
                }
                else
                {
                    for (int c = 0; c < 3; c++)
                        dst[d + c] = (byte)Math.Clamp((src[s + c] - 128) * contrast + 128 + brightness, 0, 255);
                }
            }
        }
        return new RgbImage(w, h, dst);
    }
}
