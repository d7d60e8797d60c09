using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Imaging.Preprocess;

namespace Seer.Inference.Processing;

/// <summary>
/// Decodes an <see cref="EncodedImage"/> to a BGR <see cref="Mat"/> through <see cref="ScaledDecoder"/> (the decode
/// that training and evaluation use): a JPEG much larger than the network input is decoded at 1/2, 1/4 or 1/8 scale,
/// never below the input size; the original size comes from the header so boxes map back exactly.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>A decoded image and the size of the original file's image (may differ when decoded reduced).</summary>
    public readonly record struct Decoded(Mat Image, int OriginalWidth, int OriginalHeight);

    public static Decoded Decode(EncodedImage image, int targetWidth, int targetHeight, bool allowReduced, bool fitInside = false)
    {
        if (image.Bytes.Length == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"image '{image.Name}' is empty (0 bytes)", image.Name);
        var decoded = allowReduced
            ? ScaledDecoder.TryDecodeBgr(image.Bytes, targetWidth, targetHeight, fitInside)
            : ScaledDecoder.TryDecodeBgr(image.Bytes, 0, 0);
        if (decoded is not { } d)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"image '{image.Name}' cannot be decoded ({image.Bytes.Length} bytes; not a JPEG/PNG/BMP/WebP/TIFF image or truncated)", image.Name);
        return new Decoded(d.Image, d.OriginalWidth, d.OriginalHeight);
    }
}
