using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Seer.Core.Errors;
using Seer.Core.Files;

namespace Seer.Search;

/// <summary>
/// Reads and writes vector files: <c>.fvecs</c> (each vector as int32 dimension + that many float32, little-endian)
/// and <c>.npy</c> (NumPy, 2-D little-endian float32, C order). Headers and sizes are checked; a truncated file is
/// rejected with an error naming it. Also reads id files (one id per line).
/// </summary>
public static partial class VectorFiles
{
    public static VectorMatrix Read(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".fvecs" or ".npy"))
            throw new SeerException(ErrorCodes.InvalidInput, $"vector file {path}: unknown extension '{ext}'; use .fvecs or .npy (float32)", path);
        InputFiles.RequireRegular(path, "vector file");
        var matrix = ext == ".fvecs" ? ReadFvecs(path) : ReadNpy(path);
        var data = matrix.Data;
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i]))
                throw Bad(path, $"vector {i / matrix.Dimension} holds {data[i]} (NaN or infinity) at position {i % matrix.Dimension}; every value must be finite");
        return matrix;
    }

    public static void Write(string path, VectorMatrix matrix)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            if (ext == ".fvecs") WriteFvecs(stream, matrix);
            else if (ext == ".npy") WriteNpy(stream, matrix);
            else throw new SeerException(ErrorCodes.InvalidInput, $"vector file {path}: unknown extension '{ext}'; use .fvecs or .npy", path);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static VectorMatrix ReadFvecs(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        long length = stream.Length;
        if (length == 0) return new VectorMatrix(0, 0, []);
        Span<byte> head = stackalloc byte[4];
        if (length < 4) throw Truncated(path, "shorter than one dimension field");
        stream.ReadExactly(head);
        int dim = BinaryPrimitives.ReadInt32LittleEndian(head);
        if (dim is < 1 or > 65536) throw Bad(path, $"first vector says dimension {dim}; not an .fvecs file of float32 vectors");
        long record = 4 + 4L * dim;
        if (length % record != 0)
            throw Truncated(path, $"{length} bytes is not a whole number of {record}-byte records (dimension {dim}); the last vector is cut off");
        long rows = length / record;
        if (rows * dim > Array.MaxLength) throw Bad(path, $"{rows} vectors of dimension {dim} is too many for one file");
        var data = new float[rows * dim];
        stream.Position = 0;
        for (long r = 0; r < rows; r++)
        {
            stream.ReadExactly(head);
            int d = BinaryPrimitives.ReadInt32LittleEndian(head);
            if (d != dim) throw Bad(path, $"vector {r} has dimension {d}, the first has {dim}");
            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan((int)(r * dim), dim)));
        }
        return new VectorMatrix((int)rows, dim, data);
    }

    private static VectorMatrix ReadNpy(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        long length = stream.Length;
        Span<byte> pre = stackalloc byte[12];
        if (length < 10) throw Truncated(path, "shorter than the NumPy header");
        stream.ReadExactly(pre[..10]);
        if (pre[0] != 0x93 || !pre[1..6].SequenceEqual("NUMPY"u8)) throw Bad(path, "missing the \\x93NUMPY magic; not an .npy file");
        int major = pre[6];
        long headerLength;
        int prefix;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]); prefix = 10; }
        else if (major is 2 or 3)
        {
            stream.ReadExactly(pre[10..12]);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
            prefix = 12;
        }
        else throw Bad(path, $"NumPy format version {major} is not supported");
        if (prefix + headerLength > length) throw Truncated(path, "the header runs past the end of the file");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        string header = Encoding.Latin1.GetString(headerBytes);
        var descr = Descr().Match(header);
        if (!descr.Success || descr.Groups[1].Value is not ("<f4" or "|f4" or "=f4"))
            throw Bad(path, $"dtype {(descr.Success ? descr.Groups[1].Value : "?")} is not little-endian float32 ('<f4'); save with .astype('float32')");
        if (FortranTrue().IsMatch(header)) throw Bad(path, "fortran_order is True; save a C-ordered array (np.ascontiguousarray)");
        var shape = Shape().Match(header);
        if (!shape.Success) throw Bad(path, "no shape in the header");
        var parts = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var dims = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out dims[i]))
                throw Bad(path, $"shape ({shape.Groups[1].Value}) holds '{parts[i]}', not a non-negative whole number");
        if (dims.Length is not (1 or 2)) throw Bad(path, $"shape has {dims.Length} dimensions; expected (rows, dim) or (dim,)");
        long rows = dims.Length == 2 ? dims[0] : 1, dim = dims[^1];
        if (dim is < 1 or > 65536) throw Bad(path, $"dimension {dim} is out of range");
        if (rows > Array.MaxLength / dim) throw Bad(path, $"shape ({rows}, {dim}) is too many values for one file");
        long expected = rows * dim * 4;
        long available = length - prefix - headerLength;
        if (available < expected)
            throw Truncated(path, $"shape ({rows}, {dim}) needs {expected} data bytes but the file has {available}");
        if (available > expected) throw Bad(path, $"{available - expected} bytes follow the array data");
        if (rows * dim > Array.MaxLength) throw Bad(path, $"{rows} × {dim} values is too many for one file");
        var data = new float[rows * dim];
        stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        return new VectorMatrix((int)rows, (int)dim, data);
    }

    private static void WriteFvecs(Stream stream, VectorMatrix matrix)
    {
        Span<byte> head = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(head, matrix.Dimension);
        for (int r = 0; r < matrix.Rows; r++)
        {
            stream.Write(head);
            stream.Write(MemoryMarshal.AsBytes(matrix.Row(r)));
        }
    }

    private static void WriteNpy(Stream stream, VectorMatrix matrix)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({matrix.Rows}, {matrix.Dimension}), }}";
        int unpadded = 10 + dict.Length + 1;
        int pad = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        Span<byte> pre = stackalloc byte[10];
        pre[0] = 0x93;
        "NUMPY"u8.CopyTo(pre[1..]);
        pre[6] = 1;
        pre[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(pre[8..], (ushort)header.Length);
        stream.Write(pre);
        stream.Write(Encoding.Latin1.GetBytes(header));
        const int rowsPerWrite = 4096;
        for (int r = 0; r < matrix.Rows; r += rowsPerWrite)
        {
            int n = Math.Min(rowsPerWrite, matrix.Rows - r);
            stream.Write(MemoryMarshal.AsBytes(matrix.Data.AsSpan(r * matrix.Dimension, n * matrix.Dimension)));
        }
    }

    /// <summary>Reads ids, one per line (trimmed; blank lines are an error); <paramref name="expected"/> must match.</summary>
    public static IReadOnlyList<string> ReadIds(string path, int expected)
    {
        InputFiles.RequireRegular(path, "id file");
        var ids = new List<string>(expected);
        int line = 0;
        foreach (string raw in File.ReadLines(path))
        {
            line++;
            string id = raw.Trim();
            if (id.Length == 0)
            {
                if (ids.Count == expected) continue; // trailing blank lines
                throw new SeerException(ErrorCodes.InvalidInput, $"id file {path}: line {line} is blank", path);
            }
            ids.Add(id);
        }
        if (ids.Count != expected)
            throw new SeerException(ErrorCodes.InvalidInput, $"id file {path} has {ids.Count} ids but the vector file has {expected} vectors", path);
        return ids;
    }

    private static SeerException Truncated(string path, string reason) =>
        new(ErrorCodes.InvalidInput, $"vector file {path} is truncated: {reason}", path);

    private static SeerException Bad(string path, string reason) =>
        new(ErrorCodes.InvalidInput, $"vector file {path}: {reason}", path);

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranTrue();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}
