namespace Seer.Imaging.Preprocess;

/// <summary>
/// Fits an image into a size x size canvas keeping its aspect ratio, centred, padding with a grey value (114 as the
/// YOLO family does). Training and inference use this same code so boxes map identically.
/// </summary>
public static class Letterbox
{
    public const byte DefaultPad = 114;

    public static (RgbImage Image, LetterboxTransform Transform) Apply(RgbImage image, int size, byte pad = DefaultPad)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Apply(image, size, image.Width, image.Height, pad);
    }

    /// <summary>
    /// Letterboxes an image that was decoded at reduced scale (<see cref="ScaledDecoder"/>): the geometry and the
    /// transform are those of the original <paramref name="originalWidth"/> × <paramref name="originalHeight"/> image,
    /// the pixels come from <paramref name="image"/> resized straight to the letterboxed size.
    /// </summary>
    public static (RgbImage Image, LetterboxTransform Transform) Apply(RgbImage image, int size, int originalWidth, int originalHeight,
        byte pad = DefaultPad)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(originalWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(originalHeight);
        double scale = Math.Min((double)size / originalWidth, (double)size / originalHeight);
        int w = Math.Max(1, (int)Math.Round(originalWidth * scale));
        int h = Math.Max(1, (int)Math.Round(originalHeight * scale));
        RgbImage resized = Resize.To(image, w, h);
        int padX = (size - w) / 2, padY = (size - h) / 2;
        RgbImage canvas = RgbImage.Filled(size, size, pad);
        Paste(resized, canvas, padX, padY);
        return (canvas, new LetterboxTransform((double)w / originalWidth, padX, padY));
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/> at (x, y), clipped to the target.</summary>
    public static void Paste(RgbImage source, RgbImage target, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
        int x1 = Math.Min(target.Width, x + source.Width), y1 = Math.Min(target.Height, y + source.Height);
        if (x1 <= x0 || y1 <= y0) return;
        int rowBytes = (x1 - x0) * 3;
        for (int ty = y0; ty < y1; ty++)
        {
            int sy = ty - y;
            Buffer.BlockCopy(source.Pixels, (sy * source.Width + (x0 - x)) * 3, target.Pixels, (ty * target.Width + x0) * 3, rowBytes);
        }
    }
}
