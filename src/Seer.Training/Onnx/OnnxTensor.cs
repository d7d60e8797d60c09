using System.Runtime.InteropServices;

namespace Seer.Training.Onnx;

/// <summary>A constant tensor (TensorProto) stored as little-endian raw data: a weight, a bias, a shape.</summary>
public sealed class OnnxTensor
{
    private OnnxTensor(string name, OnnxElementType type, long[] dims, byte[] raw)
    {
        Name = name;
        ElementType = type;
        Dims = dims;
        Raw = raw;
    }

    public string Name { get; }
    public OnnxElementType ElementType { get; }
    public IReadOnlyList<long> Dims { get; }
    internal byte[] Raw { get; }

    public static OnnxTensor FromFloats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        return new OnnxTensor(name, OnnxElementType.Float, dims, ToLittleEndian(values));
    }

    public static OnnxTensor FromInt64s(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        return new OnnxTensor(name, OnnxElementType.Int64, dims, ToLittleEndian(values));
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        long expected = 1;
        foreach (long d in dims) expected *= d;
        if (expected != count)
            throw new ArgumentException(
                $"tensor '{name}' has {count} values but shape [{string.Join(",", dims)}] holds {expected}");
    }

    private static byte[] ToLittleEndian<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX export needs a little-endian machine");
        return MemoryMarshal.AsBytes(values).ToArray();
    }

    internal ProtoWriter ToProto()
    {
        // TensorProto: dims=1, data_type=2, name=8, raw_data=9.
        var w = new ProtoWriter();
        foreach (long d in Dims) w.WriteInt64(1, d);
        w.WriteInt64(2, (int)ElementType);
        w.WriteString(8, Name);
        w.WriteBytes(9, Raw);
        return w;
    }
}
