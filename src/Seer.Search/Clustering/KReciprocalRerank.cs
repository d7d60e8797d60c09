namespace Seer.Search.Clustering;

/// <summary>
/// k-reciprocal re-ranking (Zhong et al., CVPR 2017) over a k-NN graph, the form used before clustering in
/// re-identification: two images are close when their k-reciprocal neighbourhoods overlap, not only when their vectors
/// are. Per image p (its own k-NN list, itself first):
/// <list type="number">
/// <item>R(p, k1): the images among p's k1 + 1 nearest whose own k1 + 1 nearest hold p (k-reciprocal neighbours);</item>
/// <item>R*(p): R(p, k1) expanded by R(q, k1/2) of each q in it when that set lies at least 2/3 inside R(p, k1);</item>
/// <item>V(p): a sparse vector over R*(p) with weights exp(−d(p, q)), d = 1 − cos, summing to 1;</item>
/// <item>local query expansion: V(p) replaced by the mean of V over p's k2 nearest (p first);</item>
/// <item>Jaccard distance d_J(p, q) = 1 − Σ min(V(p), V(q)) / Σ max(V(p), V(q)); final distance
/// (1 − λ)·d_J + λ·d.</item>
/// </list>
/// The re-ranked graph keeps, of each image's candidates (its neighbours in the input graph), the <c>k</c> with the
/// highest similarity 1 − final distance, most similar first. A pair of close vectors whose neighbourhoods are
/// different identities' (a hub, a font drawing two characters alike) loses its edge.
/// </summary>
internal static class KReciprocalRerank
{
    public static KnnGraph Apply(KnnGraph graph, int k1, int k2, float lambda, int k)
    {
        int n = graph.Count;
        // each image's ranked list with itself first (distance 0), as the paper's ranking includes the probe
        var ranked = new int[n][];
        var distances = new float[n][];
        for (int i = 0; i < n; i++)
        {
            int m = graph.Neighbours[i].Length;
            ranked[i] = new int[m + 1];
            distances[i] = new float[m + 1];
            ranked[i][0] = i;
            for (int j = 0; j < m; j++)
            {
                ranked[i][j + 1] = graph.Neighbours[i][j];
                distances[i][j + 1] = 1 - graph.Similarities[i][j];
            }
        }
        HashSet<int> Top(int i, int count) => [.. ranked[i].Take(count)];
        var top1 = new HashSet<int>[n];
        var topHalf = new HashSet<int>[n];
        int half = Math.Max(1, (int)Math.Round(k1 / 2.0));
        for (int i = 0; i < n; i++)
        {
            top1[i] = Top(i, k1 + 1);
            topHalf[i] = Top(i, half + 1);
        }
        List<int> Reciprocal(int i, HashSet<int>[] tops, int count) =>
            [.. ranked[i].Take(count).Where(q => tops[q].Contains(i))];

        var v = new Dictionary<int, float>[n];
        for (int i = 0; i < n; i++)
        {
            var r = Reciprocal(i, top1, k1 + 1);
            var expanded = new HashSet<int>(r);
            foreach (int q in r)
            {
                var rq = Reciprocal(q, topHalf, half + 1);
                int inside = rq.Count(expanded.Contains);
                if (inside > 2.0 / 3 * rq.Count) expanded.UnionWith(rq);
            }
            var weights = new Dictionary<int, float>(expanded.Count);
            double total = 0;
            foreach (int q in expanded)
            {
                float w = MathF.Exp(-Distance(graph, ranked, distances, i, q));
                weights[q] = w;
                total += w;
            }
            foreach (int q in expanded) weights[q] = (float)(weights[q] / total);
            v[i] = weights;
        }
        // local query expansion over the k2 nearest (the image itself first)
        var expandedV = new Dictionary<int, float>[n];
        for (int i = 0; i < n; i++)
        {
            var sum = new Dictionary<int, float>();
            int count = Math.Min(Math.Max(1, k2), ranked[i].Length);
            for (int j = 0; j < count; j++)
                foreach (var (q, w) in v[ranked[i][j]])
                    sum[q] = sum.GetValueOrDefault(q) + w / count;
            expandedV[i] = sum;
        }
        var neighbours = new int[n][];
        var similarities = new float[n][];
        for (int i = 0; i < n; i++)
        {
            var scored = new (int Index, float Similarity)[graph.Neighbours[i].Length];
            for (int j = 0; j < scored.Length; j++)
            {
                int q = graph.Neighbours[i][j];
                float jaccard = 1 - Jaccard(expandedV[i], expandedV[q]);
                scored[j] = (q, (1 - lambda) * jaccard + lambda * graph.Similarities[i][j]);
            }
            // most similar first; ties keep the input order (the stable sort of LINQ)
            var kept = scored.OrderByDescending(s => s.Similarity).Take(k).ToArray();
            neighbours[i] = [.. kept.Select(s => s.Index)];
            similarities[i] = [.. kept.Select(s => s.Similarity)];
        }
        return graph.WithEdges(neighbours, similarities);
    }

    /// <summary>d(i, q) = 1 − cos: from i's list when q is in it, else computed from the vectors.</summary>
    private static float Distance(KnnGraph graph, int[][] ranked, float[][] distances, int i, int q)
    {
        int at = Array.IndexOf(ranked[i], q);
        return at >= 0 ? distances[i][at] : 1 - graph.Similarity(i, q);
    }

    /// <summary>1 − Σ min / Σ max over two sparse non-negative vectors.</summary>
    private static float Jaccard(Dictionary<int, float> a, Dictionary<int, float> b)
    {
        double min = 0, max = 0;
        foreach (var (q, w) in a)
        {
            float other = b.GetValueOrDefault(q);
            min += Math.Min(w, other);
            max += Math.Max(w, other);
        }
        foreach (var (q, w) in b)
            if (!a.ContainsKey(q)) max += w;
        return max > 0 ? (float)(1 - min / max) : 1f;
    }
}
