using System.Buffers.Binary;
using OpenCvSharp;
using Seer.Core.Errors;

namespace Seer.Inference.Processing;

/// <summary>
/// Decodes image bytes to a BGR <see cref="Mat"/>. When the network input is much smaller than a JPEG, the JPEG is
/// decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling, never below the input size), which is several times
/// faster than a full decode followed by a resize; the original size is read from the header so boxes map back exactly.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>A decoded image and the size of the original file's image (may differ when decoded reduced).</summary>
    public readonly record struct Decoded(Mat Image, int OriginalWidth, int OriginalHeight);

    public static Decoded Decode(EncodedImage image, int targetWidth, int targetHeight, bool allowReduced)
    {
        if (image.Bytes.Length == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"image '{image.Name}' is empty (0 bytes)", image.Name);
        if (allowReduced && TryJpegSize(image.Bytes, out int w, out int h) && w > 0 && h > 0)
        {
            int factor = 1;
            while (factor < 8 && w / (factor * 2) >= targetWidth && h / (factor * 2) >= targetHeight) factor *= 2;
            if (factor > 1)
            {
                var mode = factor switch { 2 => ImreadModes.ReducedColor2, 4 => ImreadModes.ReducedColor4, _ => ImreadModes.ReducedColor8 };
                var reduced = Cv2.ImDecode(image.Bytes, mode);
                if (!reduced.Empty())
                {
                    // EXIF orientation may have rotated the image by 90 degrees: swap the header size then.
                    bool swapped = Math.Abs(reduced.Width - (h + factor - 1) / factor) <= 1 &&
                                   Math.Abs(reduced.Height - (w + factor - 1) / factor) <= 1 && w != h;
                    return swapped ? new Decoded(reduced, h, w) : new Decoded(reduced, w, h);
                }
                reduced.Dispose();
            }
        }
        var full = Cv2.ImDecode(image.Bytes, ImreadModes.Color);
        if (full.Empty())
        {
            full.Dispose();
            throw new SeerException(ErrorCodes.InvalidInput,
                $"image '{image.Name}' cannot be decoded ({image.Bytes.Length} bytes; not a JPEG/PNG/BMP/WebP/TIFF image or truncated)", image.Name);
        }
        return new Decoded(full, full.Width, full.Height);
    }

    /// <summary>Reads width and height from a JPEG's start-of-frame marker without decoding.</summary>
    internal static bool TryJpegSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) return false;
        int i = 2;
        while (i + 9 < data.Length)
        {
            if (data[i] != 0xFF) return false;
            byte marker = data[i + 1];
            if (marker == 0xFF) { i++; continue; }
            if (marker is 0xD8 or 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            bool sof = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (sof)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                return true;
            }
            i += 2 + length;
        }
        return false;
    }
}
