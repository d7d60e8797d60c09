using System.Runtime.InteropServices;

namespace Seer.Search;

/// <summary>Queries copied into 64-byte-aligned padded rows (validated, normalised for cosine), with their squared norms.</summary>
internal sealed unsafe class QueryBlock : IDisposable
{
    public QueryBlock(ReadOnlySpan<float> queries, int nq, int dim, int stride, DistanceMetric metric, string? source)
    {
        Pointer = (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1L, (long)nq * stride) * sizeof(float)), 64);
        Norms = new float[nq];
        for (int q = 0; q < nq; q++)
        {
            var row = new Span<float>(Pointer + (long)q * stride, stride);
            queries.Slice(q * dim, dim).CopyTo(row);
            row[dim..].Clear();
            try
            {
                VectorChecks.Prepare(row[..dim], metric, $"query {q}", source);
            }
            catch
            {
                Dispose();
                throw;
            }
            Norms[q] = SimdKernels.Dot(Pointer + (long)q * stride, Pointer + (long)q * stride, stride);
        }
    }

    public float* Pointer { get; private set; }
    public float[] Norms { get; }

    public void Dispose()
    {
        if (Pointer != null) NativeMemory.AlignedFree(Pointer);
        Pointer = null;
    }
}
