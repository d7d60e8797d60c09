using System.Buffers.Binary;

namespace Seer.Imaging;

/// <summary>
/// Reads an image's format and size from its header without decoding pixels: JPEG, PNG, GIF, BMP and WebP.
/// Fast enough to run on every imported file; a full decode check is separate.
/// </summary>
public static class ImageProbe
{
    /// <summary>Extensions Seer treats as images (lower case, with the dot).</summary>
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp",
    };

    /// <summary>True when the file name has an image extension.</summary>
    public static bool HasImageExtension(string fileName) => ImageExtensions.Contains(Path.GetExtension(fileName));

    /// <summary>
    /// Reads the header. Returns false with a reason ("not an image: unknown signature", "truncated JPEG header", ...)
    /// when the bytes are not a readable image of a known format.
    /// </summary>
    public static bool TryRead(Stream stream, out ImageHeader header, out string reason)
    {
        ArgumentNullException.ThrowIfNull(stream);
        header = default;
        Span<byte> head = stackalloc byte[32];
        int n = ReadAtMost(stream, head);
        head = head[..n];
        if (n >= 8 && head[..8].SequenceEqual(PngSignature)) return ReadPng(head, out header, out reason);
        if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return ReadJpeg(stream, head, out header, out reason);
        if (n >= 10 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F')
        {
            header = new ImageHeader("gif", BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]));
            return Check(ref header, out reason);
        }
        if (n >= 26 && head[0] == 'B' && head[1] == 'M')
        {
            int w = BinaryPrimitives.ReadInt32LittleEndian(head[18..]);
            // A negative height means top-down rows; int.MinValue has no positive counterpart.
            int rawHeight = BinaryPrimitives.ReadInt32LittleEndian(head[22..]);
            if (rawHeight == int.MinValue)
            {
                reason = $"bmp header declares height {rawHeight}, out of range";
                return false;
            }
            header = new ImageHeader("bmp", w, Math.Abs(rawHeight));
            return Check(ref header, out reason);
        }
        if (n >= 30 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return ReadWebp(head, out header, out reason);
        reason = n == 0 ? "empty file" : "not an image: unknown file signature";
        return false;
    }

    /// <summary>Reads the header of a file on disk.</summary>
    public static bool TryRead(string path, out ImageHeader header, out string reason)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        return TryRead(stream, out header, out reason);
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static bool ReadPng(ReadOnlySpan<byte> head, out ImageHeader header, out string reason)
    {
        header = default;
        if (head.Length < 24 || !head[12..16].SequenceEqual("IHDR"u8))
        {
            reason = "truncated or malformed PNG header (no IHDR)";
            return false;
        }
        header = new ImageHeader("png", (int)BinaryPrimitives.ReadUInt32BigEndian(head[16..]), (int)BinaryPrimitives.ReadUInt32BigEndian(head[20..]));
        return Check(ref header, out reason);
    }

    private static bool ReadJpeg(Stream stream, ReadOnlySpan<byte> head, out ImageHeader header, out string reason)
    {
        header = default;
        // Walk the marker segments until a start-of-frame marker, which holds the size.
        var buffer = new byte[head.Length];
        head.CopyTo(buffer);
        using var all = new ConcatStream(buffer, stream);
        all.Skip(2);
        Span<byte> seg = stackalloc byte[9];
        while (true)
        {
            int b = all.ReadByte();
            if (b < 0) break;
            if (b != 0xFF) { reason = "malformed JPEG: expected a marker"; return false; }
            int marker;
            do { marker = all.ReadByte(); } while (marker == 0xFF);
            if (marker < 0) break;
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) continue;
            if (marker == 0xD9 || marker == 0xDA) { reason = "malformed JPEG: no frame header before the scan"; return false; }
            if (all.ReadExactly(seg[..2]) < 2) break;
            int length = BinaryPrimitives.ReadUInt16BigEndian(seg);
            if (length < 2) { reason = "malformed JPEG: bad segment length"; return false; }
            bool sof = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (sof)
            {
                if (all.ReadExactly(seg[..5]) < 5) break;
                header = new ImageHeader("jpeg", BinaryPrimitives.ReadUInt16BigEndian(seg[3..]), BinaryPrimitives.ReadUInt16BigEndian(seg[1..]));
                return Check(ref header, out reason);
            }
            if (!all.Skip(length - 2)) break;
        }
        reason = "truncated JPEG header";
        return false;
    }

    private static bool ReadWebp(ReadOnlySpan<byte> head, out ImageHeader header, out string reason)
    {
        header = default;
        var chunk = head[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            int w = 1 + (head[24] | head[25] << 8 | head[26] << 16);
            int h = 1 + (head[27] | head[28] << 8 | head[29] << 16);
            header = new ImageHeader("webp", w, h);
        }
        else if (chunk.SequenceEqual("VP8L"u8) && head[20] == 0x2F)
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
            header = new ImageHeader("webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        else if (chunk.SequenceEqual("VP8 "u8) && head[23] == 0x9D && head[24] == 0x01 && head[25] == 0x2A)
        {
            header = new ImageHeader("webp", BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
        }
        else
        {
            reason = "malformed or unsupported WebP header";
            return false;
        }
        return Check(ref header, out reason);
    }

    private static bool Check(ref ImageHeader header, out string reason)
    {
        if (header.Width <= 0 || header.Height <= 0)
        {
            reason = $"{header.Format} header declares width {header.Width} and height {header.Height}; both must be positive";
            header = default;
            return false;
        }
        reason = "";
        return true;
    }

    private static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int r = stream.Read(buffer[total..]);
            if (r == 0) break;
            total += r;
        }
        return total;
    }

    /// <summary>The already-read header bytes followed by the rest of the stream.</summary>
    private sealed class ConcatStream(byte[] head, Stream rest) : IDisposable
    {
        private int _pos;

        public int ReadByte() => _pos < head.Length ? head[_pos++] : rest.ReadByte();

        public int ReadExactly(Span<byte> buffer)
        {
            int i = 0;
            while (i < buffer.Length)
            {
                int b = ReadByte();
                if (b < 0) break;
                buffer[i++] = (byte)b;
            }
            return i;
        }

        public bool Skip(int count)
        {
            int fromHead = Math.Min(count, head.Length - _pos);
            _pos += fromHead;
            count -= fromHead;
            if (count == 0) return true;
            if (rest.CanSeek)
            {
                if (rest.Position + count > rest.Length) return false;
                rest.Seek(count, SeekOrigin.Current);
                return true;
            }
            Span<byte> sink = stackalloc byte[512];
            while (count > 0)
            {
                int r = rest.Read(sink[..Math.Min(sink.Length, count)]);
                if (r == 0) return false;
                count -= r;
            }
            return true;
        }

        public void Dispose() { }
    }
}
