using System.Buffers.Binary;
using OpenCvSharp;

namespace Seer.Imaging;

/// <summary>
/// Checks that an image file is whole. <see cref="CheckEnding"/> is cheap (the file's last bytes: JPEG's
/// end-of-image marker, PNG's IEND chunk, GIF's trailer, the lengths BMP and WebP declare) and catches truncated
/// downloads and copies; <see cref="TryDecode"/> decodes every pixel with OpenCV (slower, catches corrupt data).
/// </summary>
public static class ImageIntegrity
{
    /// <summary>Checks the end of a file whose header <see cref="ImageProbe"/> read. Returns false with a reason.</summary>
    public static bool CheckEnding(ReadOnlySpan<byte> file, string format, out string reason)
    {
        reason = "";
        switch (format)
        {
            case "jpeg":
            {
                // Writers may pad after EOI with zeros or whitespace; look at the tail without them.
                var tail = TrimPadding(file);
                if (tail.Length >= 4 && tail[^2] == 0xFF && tail[^1] == 0xD9) return true;
                // Some cameras append data after EOI (e.g. a second preview); accept an EOI near the end.
                var end = file[Math.Max(0, file.Length - 1024)..];
                for (int i = end.Length - 2; i >= 0; i--)
                    if (end[i] == 0xFF && end[i + 1] == 0xD9) return true;
                reason = "truncated JPEG: no end-of-image marker (FFD9) at the end of the file";
                return false;
            }
            case "png":
            {
                var tail = file[Math.Max(0, file.Length - 64)..];
                if (tail.IndexOf("IEND"u8) >= 0) return true;
                reason = "truncated PNG: no IEND chunk at the end of the file";
                return false;
            }
            case "gif":
            {
                var tail = TrimPadding(file);
                if (tail.Length > 0 && tail[^1] == 0x3B) return true;
                reason = "truncated GIF: no trailer byte (3B) at the end of the file";
                return false;
            }
            case "bmp":
            {
                if (file.Length < 14) { reason = "truncated BMP header"; return false; }
                uint declared = BinaryPrimitives.ReadUInt32LittleEndian(file[2..]);
                uint dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(file[10..]);
                if (file.Length >= dataOffset && (declared == 0 || file.Length >= declared)) return true;
                reason = $"truncated BMP: header declares {declared} bytes, file has {file.Length}";
                return false;
            }
            case "webp":
            {
                if (file.Length < 12) { reason = "truncated WebP header"; return false; }
                long declared = BinaryPrimitives.ReadUInt32LittleEndian(file[4..]) + 8L;
                if (file.Length >= declared) return true;
                reason = $"truncated WebP: RIFF header declares {declared} bytes, file has {file.Length}";
                return false;
            }
            default:
                return true;
        }
    }

    /// <summary>Decodes the whole image with OpenCV; false with a reason when it cannot, or when the size differs from the header's.</summary>
    public static bool TryDecode(byte[] file, ImageHeader header, out string reason)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            using var mat = Cv2.ImDecode(file, ImreadModes.Unchanged);
            if (mat.Empty())
            {
                reason = $"{header.Format} data cannot be decoded (corrupt image)";
                return false;
            }
            if (mat.Width != header.Width || mat.Height != header.Height)
            {
                reason = $"decoded size {mat.Width}x{mat.Height} differs from the header's {header.Width}x{header.Height}";
                return false;
            }
            // OpenCV returns an image even when libjpeg only warned about corrupt data; walk the entropy data for that.
            if (header.Format == "jpeg" && !JpegEntropyCheck.Check(file, out reason)) return false;
        }
        catch (OpenCVException ex)
        {
            reason = $"{header.Format} data cannot be decoded: {ex.Message}";
            return false;
        }
        reason = "";
        return true;
    }

    private static ReadOnlySpan<byte> TrimPadding(ReadOnlySpan<byte> file)
    {
        int end = file.Length;
        while (end > 0 && file[end - 1] is 0x00 or 0x20 or 0x0A or 0x0D or 0x09) end--;
        return file[..end];
    }
}
