using System.Buffers.Binary;
using System.Text;
using Seer.Core.Errors;

namespace Seer.Training.Onnx;

/// <summary>An ONNX node as read from a file: operator, name, inputs, outputs and its int/ints/float attributes.</summary>
public sealed record OnnxReadNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, long[]> Ints, IReadOnlyDictionary<string, float> Floats);

/// <summary>A float initializer read from a file: name, shape and values.</summary>
public sealed record OnnxReadTensor(string Name, long[] Dims, float[] Values);

/// <summary>
/// Reads the parts of an ONNX model (ModelProto) that weight import needs: the graph's nodes in file order (ONNX
/// requires topological order), its float initializers (raw_data or float_data), input and output names. A small
/// protobuf decoder of its own; anything else in the file is skipped.
/// </summary>
public sealed class OnnxModelReader
{
    private OnnxModelReader(string path) => Path = path;

    public string Path { get; }
    public List<OnnxReadNode> Nodes { get; } = [];
    public Dictionary<string, OnnxReadTensor> Initializers { get; } = new(StringComparer.Ordinal);
    public List<string> InputNames { get; } = [];
    public List<string> OutputNames { get; } = [];

    public static OnnxModelReader Read(string path)
    {
        if (!File.Exists(path)) throw new SeerException(ErrorCodes.NotFound, $"ONNX file '{path}' does not exist", path);
        var reader = new OnnxModelReader(path);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            bool sawGraph = false;
            foreach (var f in Fields(bytes))
                if (f.Number == 7 && f.Wire == 2) { reader.ReadGraph(f.Bytes); sawGraph = true; }
            if (!sawGraph) throw new FormatException("no graph (ModelProto field 7)");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"'{path}' is not a readable ONNX model: {ex.Message}", path, ex);
        }
        return reader;
    }

    private void ReadGraph(ReadOnlyMemory<byte> graph)
    {
        foreach (var f in Fields(graph))
        {
            switch (f.Number)
            {
                case 1: Nodes.Add(ReadNode(f.Bytes)); break;
                case 5:
                    var t = ReadTensor(f.Bytes);
                    if (t is not null) Initializers[t.Name] = t;
                    break;
                case 11: InputNames.Add(ReadValueInfoName(f.Bytes)); break;
                case 12: OutputNames.Add(ReadValueInfoName(f.Bytes)); break;
            }
        }
    }

    private static string ReadValueInfoName(ReadOnlyMemory<byte> m)
    {
        foreach (var f in Fields(m)) if (f.Number == 1) return Utf8(f.Bytes);
        return "";
    }

    private static OnnxReadNode ReadNode(ReadOnlyMemory<byte> m)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "", op = "";
        var ints = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var floats = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var f in Fields(m))
        {
            switch (f.Number)
            {
                case 1: inputs.Add(Utf8(f.Bytes)); break;
                case 2: outputs.Add(Utf8(f.Bytes)); break;
                case 3: name = Utf8(f.Bytes); break;
                case 4: op = Utf8(f.Bytes); break;
                case 5: ReadAttribute(f.Bytes, ints, floats); break;
            }
        }
        return new OnnxReadNode(op, name, inputs, outputs, ints, floats);
    }

    private static void ReadAttribute(ReadOnlyMemory<byte> m, Dictionary<string, long[]> ints, Dictionary<string, float> floats)
    {
        // AttributeProto: name=1, f=2 (fixed32), i=3 (varint), floats=7, ints=8 (packed or not)
        string name = "";
        var list = new List<long>();
        float? single = null;
        foreach (var f in Fields(m))
        {
            switch (f.Number)
            {
                case 1: name = Utf8(f.Bytes); break;
                case 2 when f.Wire == 5: single = BitConverter.Int32BitsToSingle((int)f.Value); break;
                case 3 when f.Wire == 0: list.Add((long)f.Value); break;
                case 8 when f.Wire == 0: list.Add((long)f.Value); break;
                case 8 when f.Wire == 2:
                    int pos = 0;
                    var span = f.Bytes.Span;
                    while (pos < span.Length) list.Add((long)ReadVarint(span, ref pos));
                    break;
            }
        }
        if (list.Count > 0) ints[name] = list.ToArray();
        if (single is float s) floats[name] = s;
    }

    private static OnnxReadTensor? ReadTensor(ReadOnlyMemory<byte> m)
    {
        // TensorProto: dims=1, data_type=2, float_data=4 (packed), name=8, raw_data=9
        var dims = new List<long>();
        long type = 0;
        string name = "";
        ReadOnlyMemory<byte> raw = default;
        var floatData = new List<float>();
        foreach (var f in Fields(m))
        {
            switch (f.Number)
            {
                case 1 when f.Wire == 0: dims.Add((long)f.Value); break;
                case 1 when f.Wire == 2:
                    int pos = 0;
                    var span = f.Bytes.Span;
                    while (pos < span.Length) dims.Add((long)ReadVarint(span, ref pos));
                    break;
                case 2: type = (long)f.Value; break;
                case 4 when f.Wire == 2:
                    var s = f.Bytes.Span;
                    for (int i = 0; i + 4 <= s.Length; i += 4) floatData.Add(BinaryPrimitives.ReadSingleLittleEndian(s[i..]));
                    break;
                case 4 when f.Wire == 5: floatData.Add(BitConverter.Int32BitsToSingle((int)f.Value)); break;
                case 8: name = Utf8(f.Bytes); break;
                case 9: raw = f.Bytes; break;
            }
        }
        if (type != (long)OnnxElementType.Float) return null;
        float[] values;
        if (!raw.IsEmpty)
        {
            var s = raw.Span;
            values = new float[s.Length / 4];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(s[(4 * i)..]);
        }
        else values = floatData.ToArray();
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        if (expected != values.Length)
            throw new FormatException($"initializer '{name}' has {values.Length} values for shape [{string.Join(",", dims)}]");
        return new OnnxReadTensor(name, dims.ToArray(), values);
    }

    private readonly record struct Field(int Number, int Wire, ulong Value, ReadOnlyMemory<byte> Bytes);

    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            ulong key = ReadVarint(message.Span, ref pos);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return new Field(number, wire, ReadVarint(message.Span, ref pos), default); break;
                case 1: yield return new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(message.Span[pos..]), default); pos += 8; break;
                case 5: yield return new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(message.Span[pos..]), default); pos += 4; break;
                case 2:
                    int length = checked((int)ReadVarint(message.Span, ref pos));
                    if (length < 0 || pos + length > message.Length) throw new FormatException($"field {number} runs past the end of its message");
                    yield return new Field(number, wire, 0, message.Slice(pos, length));
                    pos += length;
                    break;
                default: throw new FormatException($"unsupported protobuf wire type {wire} (field {number})");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> s, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= s.Length) throw new FormatException("truncated varint");
            byte b = s[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    private static string Utf8(ReadOnlyMemory<byte> m) => Encoding.UTF8.GetString(m.Span);
}
