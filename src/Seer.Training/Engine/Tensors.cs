using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Creates tensors that own a copy of managed arrays. (torch.tensor(array) in TorchSharp 0.107 can keep pointing at
/// the managed array, which the GC may move or free while the tensor lives: seen as NaN losses after a few steps.)
/// </summary>
public static class Tensors
{
    public static Tensor Copy(float[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        Tensor t = empty(shape.Length == 0 ? [data.LongLength] : shape, ScalarType.Float32);
        t.bytes = MemoryMarshal.AsBytes(data.AsSpan());
        return t;
    }

    public static Tensor Copy(long[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Tensor t = empty([data.LongLength], ScalarType.Int64);
        t.bytes = MemoryMarshal.AsBytes(data.AsSpan());
        return t;
    }

    /// <summary>Copies a float32 tensor's values (moved to the CPU, made contiguous) into a new array.</summary>
    public static float[] ToArray(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        using Tensor cpu = t.cpu().contiguous();
        return MemoryMarshal.Cast<byte, float>(cpu.bytes).ToArray();
    }
}
