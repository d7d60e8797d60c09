using OpenCvSharp;
using Seer.Core.Errors;

namespace Seer.Imaging.Preprocess;

/// <summary>Decodes encoded image bytes (JPEG, PNG, BMP, WebP, ...) to <see cref="RgbImage"/> with OpenCV.</summary>
public static class ImageDecoder
{
    /// <summary>Decodes bytes; grey and alpha images become RGB. Throws <see cref="SeerException"/> naming the item.</summary>
    public static RgbImage DecodeRgb(byte[] encoded, string display)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        using Mat decoded = Cv2.ImDecode(encoded, ImreadModes.Color);
        if (decoded.Empty())
            throw new SeerException(ErrorCodes.InvalidInput,
                $"cannot decode image '{display}': not a readable JPEG/PNG/BMP/WebP file", display);
        using var rgb = new Mat();
        Cv2.CvtColor(decoded, rgb, ColorConversionCodes.BGR2RGB);
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
