using System.Runtime.InteropServices;

namespace Seer.Search;

/// <summary>
/// Rows of float32 vectors in one 64-byte-aligned native block (NativeMemory.AlignedAlloc), each row padded with
/// zeros to a multiple of 16 floats; plus each row's squared norm and, when quantised, an int8 copy with one scale per
/// row. Slots are appended; a removed slot stays until compaction (the owner keeps the alive flags).
/// Not thread-safe for writes: the feature group serialises writers and lets readers in only between writes.
/// </summary>
internal sealed unsafe class VectorStore : IDisposable
{
    private float* _rows;
    private sbyte* _codes;
    private float[] _norms = [];
    private float[] _scales = [];

    public VectorStore(int dimension, bool quantized)
    {
        Dimension = dimension;
        Stride = SimdKernels.PaddedLength(dimension);
        CodeStride = (dimension + 63) / 64 * 64;
        Quantized = quantized;
    }

    public int Dimension { get; }
    /// <summary>Floats per row, a multiple of 16.</summary>
    public int Stride { get; }
    /// <summary>Bytes per int8 row, a multiple of 64.</summary>
    public int CodeStride { get; }
    public bool Quantized { get; }
    public int Count { get; private set; }
    public int Capacity { get; private set; }

    public float* Row(int slot) => _rows + (long)slot * Stride;
    public sbyte* Code(int slot) => _codes + (long)slot * CodeStride;
    public float* Rows => _rows;
    public sbyte* Codes => _codes;
    /// <summary>Squared L2 norm of each row.</summary>
    public float[] Norms => _norms;
    /// <summary>int8 scale of each row: value ≈ code × scale.</summary>
    public float[] Scales => _scales;

    public void Reserve(int capacity)
    {
        if (capacity <= Capacity) return;
        int newCapacity = Math.Max(capacity, Math.Max(1024, Capacity + Capacity / 2));
        var rows = (float*)NativeMemory.AlignedAlloc((nuint)((long)newCapacity * Stride * sizeof(float)), 64);
        if (_rows != null)
        {
            Buffer.MemoryCopy(_rows, rows, (long)newCapacity * Stride * 4, (long)Count * Stride * 4);
            NativeMemory.AlignedFree(_rows);
        }
        _rows = rows;
        if (Quantized)
        {
            var codes = (sbyte*)NativeMemory.AlignedAlloc((nuint)((long)newCapacity * CodeStride), 64);
            if (_codes != null)
            {
                Buffer.MemoryCopy(_codes, codes, (long)newCapacity * CodeStride, (long)Count * CodeStride);
                NativeMemory.AlignedFree(_codes);
            }
            _codes = codes;
            Array.Resize(ref _scales, newCapacity);
        }
        Array.Resize(ref _norms, newCapacity);
        Capacity = newCapacity;
    }

    /// <summary>Appends a row (already validated and, for cosine, normalised) and returns its slot.</summary>
    public int Append(ReadOnlySpan<float> vector)
    {
        if (Count == Capacity) Reserve(Count + 1);
        int slot = Count;
        var row = new Span<float>(Row(slot), Stride);
        vector.CopyTo(row);
        row[vector.Length..].Clear();
        FinishRow(slot);
        Count++;
        return slot;
    }

    /// <summary>Computes the norm (and int8 code) of a row whose floats were written directly.</summary>
    public void FinishRow(int slot)
    {
        float* row = Row(slot);
        _norms[slot] = SimdKernels.Dot(row, row, Stride);
        if (!Quantized) return;
        float max = 0;
        for (int i = 0; i < Dimension; i++) max = Math.Max(max, Math.Abs(row[i]));
        float scale = max > 0 ? max / 127f : 1f;
        float inv = 1f / scale;
        sbyte* code = Code(slot);
        for (int i = 0; i < Dimension; i++) code[i] = (sbyte)Math.Clamp(MathF.Round(row[i] * inv), -127, 127);
        new Span<sbyte>(code + Dimension, CodeStride - Dimension).Clear();
        _scales[slot] = scale;
    }

    /// <summary>Sets the count after rows were written in place by the snapshot reader.</summary>
    public void SetCount(int count)
    {
        Reserve(count);
        Count = count;
    }

    public ReadOnlySpan<float> Vector(int slot) => new(Row(slot), Dimension);

    public void Dispose()
    {
        if (_rows != null) NativeMemory.AlignedFree(_rows);
        if (_codes != null) NativeMemory.AlignedFree(_codes);
        _rows = null;
        _codes = null;
        Capacity = 0;
        Count = 0;
    }
}
