using System.Buffers.Binary;
using System.IO.Compression;
using Seer.Core.Errors;
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

    public static IdxFile Load(IFileSource source, string path, int expectedDimensions)
    {
        string display = source.Display(path);
        byte[] bytes;
        try
        {
            using var raw = source.Open(path);
            var buffer = new MemoryStream();
            raw.CopyTo(buffer);
            bytes = buffer.ToArray();
            if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                var unzipped = new MemoryStream();
                gz.CopyTo(unzipped);
                bytes = unzipped.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw Bad(display, $"corrupt or truncated gzip data ({e.Message})");
        }
        catch (EndOfStreamException e)
        {
            throw Bad(display, $"truncated gzip data ({e.Message})");
        }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw Bad(display, "not an IDX file (the first two bytes must be 0)");
        if (bytes[2] != 0x08)
            throw Bad(display, $"IDX value type 0x{bytes[2]:X2} is not supported (only 0x08, unsigned bytes)");
        int dims = bytes[3];
        if (dims != expectedDimensions)
            throw Bad(display, $"IDX file has {dims} dimensions, expected {expectedDimensions}");
        int offset = 4 + 4 * dims;
        if (bytes.Length < offset) throw Bad(display, $"truncated: {bytes.Length} bytes, the header alone needs {offset}");
        var sizes = new int[dims];
        long total = 1;
        for (int d = 0; d < dims; d++)
        {
            sizes[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (sizes[d] < 0 || (d > 0 && sizes[d] == 0)) throw Bad(display, $"dimension {d} has size {sizes[d]}");
            total *= sizes[d];
        }
        if (bytes.Length - offset < total)
            throw Bad(display, $"truncated: the header declares {string.Join(" x ", sizes)} = {total} values, the file holds {bytes.Length - offset}");
        return new IdxFile(sizes, bytes, offset);
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
