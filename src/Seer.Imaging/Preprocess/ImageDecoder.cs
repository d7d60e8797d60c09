using OpenCvSharp;
using Seer.Core.Errors;

namespace Seer.Imaging.Preprocess;

/// <summary>Decodes encoded image bytes (JPEG, PNG, BMP, WebP, ...) to <see cref="RgbImage"/> with OpenCV.</summary>
public static class ImageDecoder
{
    /// <summary>Decodes bytes; grey and alpha images become RGB. Throws <see cref="SeerException"/> naming the item.</summary>
    public static RgbImage DecodeRgb(byte[] encoded, string display) => DecodeRgb(encoded, display, 0, 0, out _, out _);

    /// <summary>
    /// Decodes bytes, a large JPEG at reduced scale while it stays at least <paramref name="minWidth"/> ×
    /// <paramref name="minHeight"/> (<see cref="ScaledDecoder"/>); <paramref name="originalWidth"/> /
    /// <paramref name="originalHeight"/> give the file's image size, which geometry must be computed from.
    /// </summary>
    public static RgbImage DecodeRgb(byte[] encoded, string display, int minWidth, int minHeight,
        out int originalWidth, out int originalHeight, bool fitInside = false)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var decoded = ScaledDecoder.TryDecodeBgr(encoded, minWidth, minHeight, fitInside)
            ?? throw new SeerException(ErrorCodes.InvalidInput,
                $"cannot decode image '{display}': not a readable JPEG/PNG/BMP/WebP file", display);
        using Mat bgr = decoded.Image;
        using var rgb = new Mat();
        Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        originalWidth = decoded.OriginalWidth;
        originalHeight = decoded.OriginalHeight;
        return MatConvert.ToRgbImage(rgb);
    }

    /// <summary>Reads a stream fully and decodes it.</summary>
    public static RgbImage DecodeRgb(Stream stream, string display)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return DecodeRgb(buffer.ToArray(), display);
    }
}
