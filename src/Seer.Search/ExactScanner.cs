namespace Seer.Search;

/// <summary>
/// Brute-force k-nearest search over a <see cref="VectorStore"/>. Rows are split into chunks spread over the cores;
/// inside a chunk, blocks of 64 queries meet tiles of 64 rows (both stay in L2) through a 4×4 register-blocked
/// kernel, so each row loaded from memory serves many queries. Every worker keeps one bounded heap per query; the
/// heaps are merged at the end. Scores inside are "similarities" (higher is better): the dot product, or for L2
/// 2·q·r − |r|² (|q|² − that is the squared distance, and |q|² is the same for every row of one query).
/// </summary>
internal static unsafe class ExactScanner
{
    private const int ChunkRows = 2048;
    private const int RowTile = 64;
    private const int QueryBlock = 64;

    /// <param name="queries">nq padded queries, 64-byte aligned, stride = store.Stride.</param>
    /// <param name="floors">per query, the minimum similarity a result must reach (−∞ for none).</param>
    public static TopK[] Search(VectorStore store, byte[] alive, float* queries, int nq, int k, float[] floors,
        bool l2, int threads)
    {
        int rows = store.Count;
        var result = new TopK[nq];
        for (int q = 0; q < nq; q++) result[q] = new TopK(k);
        if (rows == 0 || nq == 0) return result;
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        var gate = new object();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        nint qptr = (nint)queries;
        Parallel.For(0, chunks, options,
            () => NewHeaps(nq, k),
            (chunk, _, heaps) =>
            {
                int start = chunk * ChunkRows, end = Math.Min(rows, start + ChunkRows);
                ScanChunk(store, alive, (float*)qptr, nq, floors, l2, start, end, heaps);
                return heaps;
            },
            heaps =>
            {
                lock (gate)
                    for (int q = 0; q < nq; q++) result[q].Merge(heaps[q]);
            });
        return result;
    }

    private static TopK[] NewHeaps(int nq, int k)
    {
        var heaps = new TopK[nq];
        for (int q = 0; q < nq; q++) heaps[q] = new TopK(k);
        return heaps;
    }

    private static void ScanChunk(VectorStore store, byte[] alive, float* queries, int nq, float[] floors, bool l2,
        int start, int end, TopK[] heaps)
    {
        int stride = store.Stride;
        float[] norms = store.Norms;
        float* tile = stackalloc float[16];
        for (int qb = 0; qb < nq; qb += QueryBlock)
        {
            int qbEnd = Math.Min(nq, qb + QueryBlock);
            for (int t = start; t < end; t += RowTile)
            {
                int tEnd = Math.Min(end, t + RowTile);
                int q = qb;
                for (; q + 4 <= qbEnd; q += 4)
                {
                    float* qp = queries + (long)q * stride;
                    int r = t;
                    for (; r + 4 <= tEnd; r += 4)
                    {
                        SimdKernels.Dot4x4(qp, stride, store.Row(r), stride, stride, tile);
                        for (int qi = 0; qi < 4; qi++)
                        {
                            var heap = heaps[q + qi];
                            float floor = Math.Max(heap.Floor, floors[q + qi]);
                            for (int ri = 0; ri < 4; ri++)
                            {
                                float s = tile[qi * 4 + ri];
                                if (l2) s = 2 * s - norms[r + ri];
                                if (s >= floor && s > heap.Floor && alive[r + ri] != 0) heap.Push(s, r + ri);
                            }
                        }
                    }
                    for (; r < tEnd; r++)
                        for (int qi = 0; qi < 4; qi++)
                            Consider(store, alive, queries + (long)(q + qi) * stride, floors[q + qi], l2, r, heaps[q + qi]);
                }
                for (; q < qbEnd; q++)
                    for (int r = t; r < tEnd; r++)
                        Consider(store, alive, queries + (long)q * stride, floors[q], l2, r, heaps[q]);
            }
        }
    }

    private static void Consider(VectorStore store, byte[] alive, float* query, float floor, bool l2, int r, TopK heap)
    {
        float s = SimdKernels.Dot(query, store.Row(r), store.Stride);
        if (l2) s = 2 * s - store.Norms[r];
        if (s >= floor && s > heap.Floor && alive[r] != 0) heap.Push(s, r);
    }

    /// <summary>
    /// The int8 path: scan the int8 codes for k × rerank candidates per query, then re-score those with the
    /// float rows and keep the best k. Returned similarities are exact (float) ones.
    /// </summary>
    public static TopK[] SearchQuantized(VectorStore store, byte[] alive, float* queries, int nq, int k, float[] floors,
        bool l2, int threads, int rerank)
    {
        int rows = store.Count, stride = store.Stride, cstride = store.CodeStride, dim = store.Dimension;
        int candidates = Math.Max(k, k * rerank);
        var result = new TopK[nq];
        var codes = new sbyte[(long)nq * cstride];
        var qscales = new float[nq];
        for (int q = 0; q < nq; q++)
        {
            float* qp = queries + (long)q * stride;
            float max = 0;
            for (int i = 0; i < dim; i++) max = Math.Max(max, Math.Abs(qp[i]));
            float scale = max > 0 ? max / 127f : 1f;
            qscales[q] = scale;
            for (int i = 0; i < dim; i++) codes[(long)q * cstride + i] = (sbyte)Math.Clamp(MathF.Round(qp[i] / scale), -127, 127);
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        var coarse = new TopK[nq];
        for (int q = 0; q < nq; q++) coarse[q] = new TopK(candidates);
        var gate = new object();
        float[] norms = store.Norms, scales = store.Scales;
        Parallel.For(0, chunks, options, () => NewHeaps(nq, candidates), (chunk, _, heaps) =>
        {
            int start = chunk * ChunkRows, end = Math.Min(rows, start + ChunkRows);
            fixed (sbyte* qc = codes)
                for (int q = 0; q < nq; q++)
                {
                    var heap = heaps[q];
                    sbyte* qcode = qc + (long)q * cstride;
                    float qs = qscales[q];
                    for (int r = start; r < end; r++)
                    {
                        float s = SimdKernels.DotInt8(qcode, store.Code(r), cstride) * qs * scales[r];
                        if (l2) s = 2 * s - norms[r];
                        if (s > heap.Floor && alive[r] != 0) heap.Push(s, r);
                    }
                }
            return heaps;
        }, heaps =>
        {
            lock (gate)
                for (int q = 0; q < nq; q++) coarse[q].Merge(heaps[q]);
        });
        for (int q = 0; q < nq; q++)
        {
            var heap = result[q] = new TopK(k);
            float* qp = queries + (long)q * stride;
            foreach (var (_, r) in coarse[q].ToSortedArray())
                Consider(store, alive, qp, floors[q], l2, r, heap);
        }
        return result;
    }
}
