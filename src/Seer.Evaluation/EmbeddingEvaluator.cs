using System.Numerics.Tensors;
using Seer.Core.Errors;
using Seer.Search;

namespace Seer.Evaluation;

/// <summary>
/// Metrics of an embedding model on labelled vectors (identity = label), by cosine similarity.
/// <para>Retrieval, leave-one-out: every item with at least one other item of its identity is a query against all other
/// items, ranked by similarity (ties: lower index first). <c>recall_at_k</c>: share of queries with an item of their
/// identity among the first k. <c>map_at_r</c> (Musgrave et al., "A Metric Learning Reality Check", 2020): with R the
/// number of other items of the query's identity, (1/R)·Σ_{i≤R} precision@i·[item i matches], averaged over queries.</para>
/// <para>Verification: every genuine pair (same identity) and every impostor pair, or a seeded random sample of
/// <see cref="MaxImpostorPairs"/> of them when there are more. For each target FAR, the threshold is
/// <see cref="FeatureComparer.Calibrate"/>'s (the most permissive with FAR ≤ target) and <c>tar_at_far</c> the share
/// of genuine pairs at or above it. <c>eer</c>: the rate where false accepts and false rejects cross (their mean at
/// the threshold where they are closest).</para>
/// </summary>
public static class EmbeddingEvaluator
{
    public const int MaxImpostorPairs = 2_000_000;

    public static readonly IReadOnlyList<string> Fars = ["1e-2", "1e-3", "1e-4"];

    public static EmbeddingMetrics Evaluate(ReadOnlySpan<float> vectors, int dimension, IReadOnlyList<int> labels, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (dimension < 1) throw new SeerException(ErrorCodes.InvalidInput, $"embedding dimension must be > 0 (was {dimension})");
        int n = labels.Count;
        if (vectors.Length != (long)n * dimension)
            throw new SeerException(ErrorCodes.InvalidInput, $"{labels.Count} labels but {vectors.Length / (double)dimension:0.##} vectors of dimension {dimension}");
        if (n < 2) throw new SeerException(ErrorCodes.InvalidInput, "embedding evaluation needs at least two items");
        var unit = new float[vectors.Length];
        for (int i = 0; i < n; i++)
        {
            var row = vectors.Slice(i * dimension, dimension);
            for (int d = 0; d < dimension; d++)
                if (!float.IsFinite(row[d])) throw new SeerException(ErrorCodes.InvalidInput, $"embedding {i} has a non-finite value at index {d}");
            float norm = TensorPrimitives.Norm(row);
            var target = unit.AsSpan(i * dimension, dimension);
            if (norm == 0) continue;
            TensorPrimitives.Divide(row, norm, target);
        }
        var counts = new Dictionary<int, int>();
        foreach (int l in labels) counts[l] = counts.GetValueOrDefault(l) + 1;
        if (counts.Values.All(c => c < 2))
            throw new SeerException(ErrorCodes.InvalidInput, "embedding evaluation needs an identity with at least two images");
        if (counts.Count < 2)
            throw new SeerException(ErrorCodes.InvalidInput, "embedding evaluation needs at least two identities");

        // Retrieval.
        var hit1 = new bool[n];
        var hit5 = new bool[n];
        var ap = new double[n];
        var isQuery = new bool[n];
        Parallel.For(0, n, () => (new float[n], new int[n]), (q, _, buffers) =>
        {
            var (negSim, order) = buffers;
            int r = counts[labels[q]] - 1;
            if (r == 0) return buffers;
            isQuery[q] = true;
            var qv = unit.AsSpan(q * dimension, dimension);
            int m = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == q) continue;
                negSim[m] = -TensorPrimitives.Dot(qv, unit.AsSpan(j * dimension, dimension));
                order[m] = j;
                m++;
            }
            // Stable by index for equal similarities: sort (−similarity, index) pairs.
            Array.Sort(negSim, order, 0, m, Comparer<float>.Default);
            SortTiesByIndex(negSim, order, m);
            int found = 0;
            double sum = 0;
            for (int i = 0; i < Math.Max(r, 5) && i < m; i++)
            {
                bool match = labels[order[i]] == labels[q];
                if (match && i < 1) hit1[q] = true;
                if (match && i < 5) hit5[q] = true;
                if (i < r && match)
                {
                    found++;
                    sum += found / (double)(i + 1);
                }
            }
            ap[q] = sum / r;
            return buffers;
        }, _ => { });
        int queries = isQuery.Count(b => b);
        double recall1 = Enumerable.Range(0, n).Count(i => isQuery[i] && hit1[i]) / (double)queries;
        double recall5 = Enumerable.Range(0, n).Count(i => isQuery[i] && hit5[i]) / (double)queries;
        double mapAtR = Enumerable.Range(0, n).Where(i => isQuery[i]).Sum(i => ap[i]) / queries;

        // Verification.
        var scores = new List<float>();
        var genuine = new List<bool>();
        long impostorTotal = (long)n * (n - 1) / 2 - counts.Values.Sum(c => (long)c * (c - 1) / 2);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                bool same = labels[i] == labels[j];
                if (!same && impostorTotal > MaxImpostorPairs) continue;
                scores.Add(Dot(unit, dimension, i, j));
                genuine.Add(same);
            }
        if (impostorTotal > MaxImpostorPairs)
        {
            var rng = new Random(seed);
            for (int s = 0; s < MaxImpostorPairs;)
            {
                int i = rng.Next(n), j = rng.Next(n);
                if (labels[i] == labels[j]) continue;
                scores.Add(Dot(unit, dimension, i, j));
                genuine.Add(false);
                s++;
            }
        }
        var tar = new Dictionary<string, double>(StringComparer.Ordinal);
        var thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string far in Fars)
        {
            var c = FeatureComparer.Calibrate(scores, genuine, double.Parse(far, System.Globalization.CultureInfo.InvariantCulture), DistanceMetric.Cosine);
            tar[far] = c.TrueAcceptRate;
            thresholds[far] = c.Threshold;
        }
        int genuinePairs = genuine.Count(g => g);
        return new EmbeddingMetrics(n, counts.Count, queries, recall1, recall5, mapAtR, tar, thresholds,
            EqualErrorRate(scores, genuine), genuinePairs, genuine.Count - genuinePairs);
    }

    private static float Dot(float[] unit, int d, int i, int j) =>
        TensorPrimitives.Dot<float>(unit.AsSpan(i * d, d), unit.AsSpan(j * d, d));

    private static void SortTiesByIndex(float[] keys, int[] order, int m)
    {
        int start = 0;
        for (int i = 1; i <= m; i++)
        {
            if (i < m && keys[i] == keys[start]) continue;
            if (i - start > 1) Array.Sort(order, start, i - start);
            start = i;
        }
    }

    /// <summary>Walks the threshold down through every distinct score; returns (FAR + FRR) / 2 where |FAR − FRR| is least.</summary>
    internal static double EqualErrorRate(IReadOnlyList<float> scores, IReadOnlyList<bool> genuine)
    {
        var idx = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        int g = genuine.Count(x => x), imp = genuine.Count - g;
        if (g == 0 || imp == 0) return double.NaN;
        // Threshold above everything: FAR 0, FRR 1.
        double best = 0.5, bestGap = 1;
        int acceptedG = 0, acceptedI = 0;
        for (int k = 0; k < idx.Length;)
        {
            float s = scores[idx[k]];
            while (k < idx.Length && scores[idx[k]] == s)
            {
                if (genuine[idx[k]]) acceptedG++;
                else acceptedI++;
                k++;
            }
            double far = acceptedI / (double)imp, frr = 1 - acceptedG / (double)g;
            double gap = Math.Abs(far - frr);
            if (gap < bestGap)
            {
                bestGap = gap;
                best = (far + frr) / 2;
            }
        }
        return best;
    }
}
