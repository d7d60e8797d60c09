namespace Seer.Search;

/// <summary>
/// Brute-force k-nearest search over a <see cref="VectorStore"/>. Rows are split into chunks spread over the cores
/// (or scanned on the calling thread when <c>threads</c> is 1). Inside a chunk, each tile of 64 rows is read from
/// memory once and meets every query in turn through a 4×4 register-blocked kernel (4 queries × 4 rows, 16
/// accumulators), GEMM style: the tile stays in L2 and the 4 queries in L1, so memory traffic is one pass over
/// the rows whatever the batch size. Every worker keeps one bounded heap per query; the heaps are merged at the
/// end. Scores inside are "similarities" (higher is better): the dot product, or for L2 2·q·r − |r|² (|q|² − that
/// is the squared distance, and |q|² is the same for every row of one query).
/// </summary>
internal static unsafe class ExactScanner
{
    private const int ChunkRows = 2048;
    private const int RowTile = 64;

    /// <param name="queries">nq padded queries, 64-byte aligned, stride = store.Stride.</param>
    /// <param name="floors">per query, the minimum similarity a result must reach (−∞ for none).</param>
    public static TopK[] Search(VectorStore store, byte[] alive, float* queries, int nq, int k, float[] floors,
        bool l2, int threads)
    {
        int rows = store.Count;
        var result = NewHeaps(nq, k);
        if (rows == 0 || nq == 0) return result;
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        if (threads <= 1 || chunks == 1)
        {
            ScanChunk(store, alive, queries, nq, floors, l2, 0, rows, result);
            return result;
        }
        var gate = new object();
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
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
        for (int t = start; t < end; t += RowTile)
        {
            int tEnd = Math.Min(end, t + RowTile);
            int q = 0;
            for (; q + 4 <= nq; q += 4)
            {
                float* qp = queries + (long)q * stride;
                float f0 = Math.Max(heaps[q].Floor, floors[q]), f1 = Math.Max(heaps[q + 1].Floor, floors[q + 1]);
                float f2 = Math.Max(heaps[q + 2].Floor, floors[q + 2]), f3 = Math.Max(heaps[q + 3].Floor, floors[q + 3]);
                int r = t;
                for (; r + 4 <= tEnd; r += 4)
                {
                    SimdKernels.Dot4x4(qp, stride, store.Row(r), stride, stride, tile);
                    if (l2)
                        for (int i = 0; i < 16; i++) tile[i] = 2 * tile[i] - norms[r + (i & 3)];
                    // Most tiles hold no score above any of the four bars: one pass of compares skips them.
                    float best0 = Max4(tile), best1 = Max4(tile + 4), best2 = Max4(tile + 8), best3 = Max4(tile + 12);
                    if (best0 < f0 && best1 < f1 && best2 < f2 && best3 < f3) continue;
                    if (best0 >= f0) f0 = Offer(heaps[q], floors[q], tile, alive, r);
                    if (best1 >= f1) f1 = Offer(heaps[q + 1], floors[q + 1], tile + 4, alive, r);
                    if (best2 >= f2) f2 = Offer(heaps[q + 2], floors[q + 2], tile + 8, alive, r);
                    if (best3 >= f3) f3 = Offer(heaps[q + 3], floors[q + 3], tile + 12, alive, r);
                }
                for (; r < tEnd; r++)
                    for (int qi = 0; qi < 4; qi++)
                        Consider(store, alive, queries + (long)(q + qi) * stride, floors[q + qi], l2, r, heaps[q + qi]);
            }
            for (; q < nq; q++)
                for (int r = t; r < tEnd; r++)
                    Consider(store, alive, queries + (long)q * stride, floors[q], l2, r, heaps[q]);
        }
    }

    private static float Max4(float* s) => Math.Max(Math.Max(s[0], s[1]), Math.Max(s[2], s[3]));

    /// <summary>Pushes the 4 scores of one query against rows r..r+3 that pass its bars; returns the new bar.</summary>
    private static float Offer(TopK heap, float floor, float* scores, byte[] alive, int r)
    {
        for (int ri = 0; ri < 4; ri++)
        {
            float s = scores[ri];
            if (s >= floor && s > heap.Floor && alive[r + ri] != 0) heap.Push(s, r + ri);
        }
        return Math.Max(heap.Floor, floor);
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
        void ScanCodes(int start, int end, TopK[] heaps)
        {
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
        }
        if (threads <= 1 || chunks == 1)
            ScanCodes(0, rows, coarse);
        else
            Parallel.For(0, chunks, options, () => NewHeaps(nq, candidates), (chunk, _, heaps) =>
            {
                ScanCodes(chunk * ChunkRows, Math.Min(rows, chunk * ChunkRows + ChunkRows), heaps);
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
