using System.Buffers.Binary;
using System.Text;

namespace Seer.Inference.Quantization;

/// <summary>
/// A protocol-buffers message kept field by field, losslessly: parse, change some fields, write it back, and every
/// field the rewrite does not know (doc strings, value infos, training info, domains of other operator sets) comes
/// out byte for byte as it went in. This is what the graph rewrite needs from ONNX's ModelProto: it touches nodes,
/// initializers and outputs and must keep the rest. Seer writes and reads ONNX with its own small wire-format code
/// (Seer.Training's ProtoWriter and OnnxModelReader), so no generated onnx.proto classes are brought in (Google.Protobuf
/// would need the schema copied into the repository and a protoc step in the build for a few field numbers); this
/// class sits in Seer.Inference because Seer.Inference must not reference TorchSharp's Seer.Training.
/// </summary>
internal sealed class ProtoMessage
{
    internal sealed class Field
    {
        public Field(int number, int wire, ulong value, byte[]? bytes)
        {
            Number = number;
            Wire = wire;
            Value = value;
            Bytes = bytes;
        }

        public int Number { get; }
        public int Wire { get; }
        /// <summary>Varint, fixed32 or fixed64 value.</summary>
        public ulong Value { get; }
        /// <summary>Length-delimited payload.</summary>
        public byte[]? Bytes { get; }
        public string Text => Encoding.UTF8.GetString(Bytes ?? []);
        public ProtoMessage Message => Parse(Bytes ?? []);
    }

    public List<Field> Fields { get; } = [];

    public static ProtoMessage Parse(ReadOnlySpan<byte> bytes)
    {
        var m = new ProtoMessage();
        int pos = 0;
        while (pos < bytes.Length)
        {
            ulong key = ReadVarint(bytes, ref pos);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: m.Fields.Add(new Field(number, wire, ReadVarint(bytes, ref pos), null)); break;
                case 1:
                    Need(bytes, pos, 8, number);
                    m.Fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(bytes[pos..]), null));
                    pos += 8;
                    break;
                case 5:
                    Need(bytes, pos, 4, number);
                    m.Fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(bytes[pos..]), null));
                    pos += 4;
                    break;
                case 2:
                    ulong length = ReadVarint(bytes, ref pos);
                    if (length > (ulong)(bytes.Length - pos)) throw new FormatException($"field {number} runs past the end of its message");
                    m.Fields.Add(new Field(number, wire, 0, bytes.Slice(pos, (int)length).ToArray()));
                    pos += (int)length;
                    break;
                default: throw new FormatException($"unsupported protobuf wire type {wire} (field {number})");
            }
        }
        return m;
    }

    public IEnumerable<Field> All(int number) => Fields.Where(f => f.Number == number);

    public string Text(int number) => Fields.LastOrDefault(f => f.Number == number && f.Wire == 2)?.Text ?? "";

    public ulong Varint(int number, ulong fallback = 0) => Fields.LastOrDefault(f => f.Number == number && f.Wire == 0)?.Value ?? fallback;

    /// <summary>Repeated strings (inputs, outputs of a node).</summary>
    public List<string> Texts(int number) => All(number).Select(f => f.Text).ToList();

    /// <summary>Repeated int64, packed or not.</summary>
    public List<long> Int64s(int number)
    {
        var list = new List<long>();
        foreach (var f in All(number))
        {
            if (f.Wire == 0) list.Add((long)f.Value);
            else if (f.Wire == 2)
            {
                int pos = 0;
                var span = f.Bytes.AsSpan();
                while (pos < span.Length) list.Add((long)ReadVarint(span, ref pos));
            }
        }
        return list;
    }

    public void RemoveAll(int number) => Fields.RemoveAll(f => f.Number == number);

    public ProtoMessage AddVarint(int number, long value)
    {
        Fields.Add(new Field(number, 0, unchecked((ulong)value), null));
        return this;
    }

    public ProtoMessage AddBytes(int number, byte[] bytes)
    {
        Fields.Add(new Field(number, 2, 0, bytes));
        return this;
    }

    public ProtoMessage AddText(int number, string text) => AddBytes(number, Encoding.UTF8.GetBytes(text));

    public ProtoMessage AddMessage(int number, ProtoMessage message) => AddBytes(number, message.ToBytes());

    public ProtoMessage AddFloat(int number, float value)
    {
        Fields.Add(new Field(number, 5, (uint)BitConverter.SingleToInt32Bits(value), null));
        return this;
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    public void WriteTo(Stream stream)
    {
        Span<byte> scratch = stackalloc byte[10];
        foreach (var f in Fields)
        {
            WriteVarint(stream, (ulong)((f.Number << 3) | f.Wire), scratch);
            switch (f.Wire)
            {
                case 0: WriteVarint(stream, f.Value, scratch); break;
                case 1:
                    BinaryPrimitives.WriteUInt64LittleEndian(scratch, f.Value);
                    stream.Write(scratch[..8]);
                    break;
                case 5:
                    BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)f.Value);
                    stream.Write(scratch[..4]);
                    break;
                default:
                    WriteVarint(stream, (ulong)(f.Bytes?.Length ?? 0), scratch);
                    stream.Write(f.Bytes ?? []);
                    break;
            }
        }
    }

    private static void WriteVarint(Stream stream, ulong value, Span<byte> scratch)
    {
        int n = 0;
        while (value >= 0x80)
        {
            scratch[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        scratch[n++] = (byte)value;
        stream.Write(scratch[..n]);
    }

    private static void Need(ReadOnlySpan<byte> bytes, int pos, int count, int number)
    {
        if (pos + count > bytes.Length) throw new FormatException($"field {number} runs past the end of its message");
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
}
