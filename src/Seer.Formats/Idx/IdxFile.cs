using System.Buffers.Binary;
using System.IO.Compression;
using Seer.Core.Errors;
using Seer.Core.Files;
using Seer.Core.Interchange;

namespace Seer.Formats.Idx;

/// <summary>
/// One IDX file (MNIST's format), read whole: a big-endian header (0, 0, type 0x08 = unsigned bytes, number of
/// dimensions, then one 32-bit size per dimension) and the values. Gzip is detected by its magic bytes.
/// Truncated or malformed files throw naming the file and what is wrong.
/// </summary>
internal sealed class IdxFile
{
    private IdxFile(int[] dimensions, byte[] data, int offset)
    {
        Dimensions = dimensions;
        Data = data;
        Offset = offset;
    }

    public int[] Dimensions { get; }

    /// <summary>The whole file; values start at <see cref="Offset"/>.</summary>
    public byte[] Data { get; }

    public int Offset { get; }

    public int Count => Dimensions[0];

    /// <summary>
    /// Reads the header first and then exactly the values it declares, never more: the declared size is bounded
    /// (<see cref="InputFiles.MaxFileBytes"/>) before anything is allocated, and a file (or a gzip stream) holding
    /// more than its header declares is refused after one extra byte, so a small .gz cannot inflate gigabytes.
    /// </summary>
    public static IdxFile Load(IFileSource source, string path, int expectedDimensions)
    {
        string display = source.Display(path);
        try
        {
            bool gzip;
            using (var peek = source.Open(path)) gzip = peek.ReadByte() == 0x1F && peek.ReadByte() == 0x8B;
            using var raw = source.Open(path);
            using Stream stream = gzip ? new GZipStream(raw, CompressionMode.Decompress) : raw;
            var head = new byte[4];
            if (ReadFully(stream, head) < 4 || head[0] != 0 || head[1] != 0)
                throw Bad(display, "not an IDX file (the first two bytes must be 0)");
            if (head[2] != 0x08)
                throw Bad(display, $"IDX value type 0x{head[2]:X2} is not supported (only 0x08, unsigned bytes)");
            int dims = head[3];
            if (dims != expectedDimensions)
                throw Bad(display, $"IDX file has {dims} dimensions, expected {expectedDimensions}");
            int offset = 4 + 4 * dims;
            var data = new byte[offset];
            head.CopyTo(data, 0);
            if (ReadFully(stream, data.AsSpan(4)) < 4 * dims) throw Bad(display, $"truncated: the header alone needs {offset} bytes");
            var sizes = new int[dims];
            long total = 1;
            bool over = false;
            for (int d = 0; d < dims; d++)
            {
                sizes[d] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * d));
                if (sizes[d] < 0 || (d > 0 && sizes[d] == 0)) throw Bad(display, $"dimension {d} has size {sizes[d]}");
                if (!over && total * (long)sizes[d] <= InputFiles.MaxFileBytes) total *= sizes[d];
                else over = true;
            }
            if (over)
                throw Bad(display, $"the header declares {string.Join(" x ", sizes)} values, over the limit of {InputFiles.MaxFileBytes:N0} bytes for one file");
            var all = new byte[offset + total];
            data.CopyTo(all, 0);
            int got = ReadFully(stream, all.AsSpan(offset));
            if (got < total)
                throw Bad(display, $"truncated: the header declares {string.Join(" x ", sizes)} = {total} values, the file holds {got}");
            if (stream.ReadByte() >= 0)
                throw Bad(display, $"the file holds more data than its header declares ({string.Join(" x ", sizes)} = {total} values); " +
                                   "a damaged file or a decompression bomb");
            return new IdxFile(sizes, all, offset);
        }
        catch (InvalidDataException e)
        {
            throw Bad(display, $"corrupt or truncated gzip data ({e.Message})");
        }
        catch (EndOfStreamException e)
        {
            throw Bad(display, $"truncated gzip data ({e.Message})");
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Writes an IDX file of unsigned bytes.</summary>
    public static void Write(string path, int[] dimensions, IEnumerable<byte[]> rows)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        Span<byte> header = stackalloc byte[4];
        header[0] = 0; header[1] = 0; header[2] = 0x08; header[3] = (byte)dimensions.Length;
        stream.Write(header);
        foreach (int size in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(header, size);
            stream.Write(header);
        }
        foreach (var row in rows) stream.Write(row);
    }

    private static SeerException Bad(string display, string reason) => new(ErrorCodes.InvalidInput, $"{display}: {reason}", display);
}
