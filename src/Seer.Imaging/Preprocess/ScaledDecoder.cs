using System.Buffers.Binary;
using OpenCvSharp;

namespace Seer.Imaging.Preprocess;

/// <summary>
/// Decodes image bytes to BGR with OpenCV. A JPEG much larger than the size it is going to be resized to is decoded at
/// 1/2, 1/4 or 1/8 scale by libjpeg's DCT scaling: the largest reduction that keeps the decoded image at least
/// <c>minWidth</c> × <c>minHeight</c>, so the final resize still only shrinks and quality is kept, at a fraction of
/// the cost of a full decode followed by a resize. Training, evaluation and the predictor all decode through here.
/// </summary>
public static class ScaledDecoder
{
    /// <summary>
    /// Decodes <paramref name="bytes"/>; returns null when OpenCV cannot decode them. <paramref name="minWidth"/> /
    /// <paramref name="minHeight"/> ≤ 0 (or a non-JPEG) decode at full size. With <paramref name="fitInside"/> the
    /// image is going to be letterboxed into a <paramref name="minWidth"/> × <paramref name="minHeight"/> box, so it
    /// only needs to stay as large as its letterboxed size (a 1352×900 photo for a 640×640 box: 640×426, so 1/2 scale).
    /// </summary>
    public static DecodedImage? TryDecodeBgr(byte[] bytes, int minWidth, int minHeight, bool fitInside = false)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0) return null;
        if (minWidth > 0 && minHeight > 0 && TryReadJpegSize(bytes, out int w, out int h))
        {
            if (fitInside)
            {
                double scale = Math.Min((double)minWidth / w, (double)minHeight / h);
                if (scale < 1) (minWidth, minHeight) = ((int)Math.Ceiling(w * scale), (int)Math.Ceiling(h * scale));
            }
            int factor = ReductionFor(w, h, minWidth, minHeight);
            if (factor > 1)
            {
                var mode = factor switch { 2 => ImreadModes.ReducedColor2, 4 => ImreadModes.ReducedColor4, _ => ImreadModes.ReducedColor8 };
                var reduced = Cv2.ImDecode(bytes, mode);
                if (!reduced.Empty())
                {
                    // EXIF orientation may have turned the image by 90 degrees: swap the header's size then.
                    bool turned = w != h && Math.Abs(reduced.Width - (h + factor - 1) / factor) <= 1 &&
                                  Math.Abs(reduced.Height - (w + factor - 1) / factor) <= 1;
                    return turned ? new DecodedImage(reduced, h, w) : new DecodedImage(reduced, w, h);
                }
                reduced.Dispose();
            }
        }
        var full = Cv2.ImDecode(bytes, ImreadModes.Color);
        if (full.Empty())
        {
            full.Dispose();
            return null;
        }
        return new DecodedImage(full, full.Width, full.Height);
    }

    /// <summary>The largest of 1, 2, 4, 8 with ⌊width/f⌋ ≥ minWidth and ⌊height/f⌋ ≥ minHeight.</summary>
    public static int ReductionFor(int width, int height, int minWidth, int minHeight)
    {
        if (width <= 0 || height <= 0 || minWidth <= 0 || minHeight <= 0) return 1;
        int factor = 1;
        while (factor < 8 && width / (factor * 2) >= minWidth && height / (factor * 2) >= minHeight) factor *= 2;
        return factor;
    }

    /// <summary>Reads width and height from a JPEG's start-of-frame marker without decoding.</summary>
    public static bool TryReadJpegSize(ReadOnlySpan<byte> data, out int width, out int height)
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
                return width > 0 && height > 0;
            }
            i += 2 + length;
        }
        return false;
    }
}
