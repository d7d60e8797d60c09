using System.Numerics.Tensors;

namespace Seer.Search.Clustering;

/// <summary>One cluster: its 1-based number (clusters are numbered by size, largest first), size and cohesion
/// (mean cosine similarity of its members to their normalised centre).</summary>
public sealed record ClusterInfo(int Number, int Size, double Cohesion);

/// <summary>
/// What <see cref="Clusterer"/> found: <see cref="Labels"/>[i] is the 0-based index into <see cref="Clusters"/> of
/// vector i, or -1 when i is a singleton (left unlabelled); <see cref="MergedByCentre"/> counts the clusters folded
/// into another because their centres were at least the threshold similar.
/// </summary>
public sealed record ClusteringResult(int[] Labels, IReadOnlyList<ClusterInfo> Clusters, int Singletons, int MergedByCentre);

/// <summary>
/// Clusters feature vectors: a k-NN graph (<see cref="KnnGraph"/>, HNSW; optionally k-reciprocal re-ranked,
/// <see cref="ClusteringOptions.Rerank"/>) with edges at or above a similarity threshold →
/// connected components, Chinese Whispers, density, average linkage or Infomap → clusters whose centres are at least the threshold similar merged →
/// clusters numbered by size; groups of one are singletons.
/// </summary>
public static class Clusterer
{
    public static ClusteringResult Run(ReadOnlyMemory<float> vectors, int dimension, ClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Run(KnnGraph.Build(vectors, dimension, options.GraphK, options.Index), options);
    }

    public static ClusteringResult Run(KnnGraph graph, ClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Rerank) graph = graph.Reranked(options.RerankK1, options.RerankK2, options.RerankLambda, options.K);
        int[] raw = options.Method switch
        {
            ClusterMethod.Components => Components(graph, options.Threshold),
            ClusterMethod.Density => Density(graph, options.Threshold, options.MinNeighbours),
            ClusterMethod.Linkage => AverageLinkage(graph, options.Threshold),
            ClusterMethod.Infomap => Infomap.Run(graph, options.Threshold, options.Seed, options.Rerank ? Infomap.RerankedTemperature : Infomap.Temperature),
            _ => ChineseWhispers(graph, options.Threshold, options.Iterations, options.Seed),
        };
        int merged = 0;
        // average linkage merges clusters by their average similarity already (its threshold is on that average, not on
        // an edge or a centre), so the centre merge does not follow it
        if (options.MergeCentres && options.Method != ClusterMethod.Linkage) (raw, merged) = MergeCentres(graph, raw, options.Threshold);
        return Finish(graph, raw, merged);
    }

    /// <summary>Union-find over the edges at or above the threshold; returns a root per node.</summary>
    internal static int[] Components(KnnGraph graph, float threshold)
    {
        var uf = new UnionFind(graph.Count);
        for (int i = 0; i < graph.Count; i++)
            for (int j = 0; j < graph.Neighbours[i].Length; j++)
                if (graph.Similarities[i][j] >= threshold) uf.Union(i, graph.Neighbours[i][j]);
        var labels = new int[graph.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = uf.Find(i);
        return labels;
    }

    /// <summary>
    /// DBSCAN over the k-NN graph: cores (at least <paramref name="minNeighbours"/> neighbours at or above the threshold)
    /// joined by union-find along such edges between two cores; every other image takes the root of its most similar
    /// core neighbour at or above the threshold, else stays alone. Returns a root per node.
    /// </summary>
    internal static int[] Density(KnnGraph graph, float threshold, int minNeighbours)
    {
        int n = graph.Count;
        var core = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int strong = 0;
            foreach (float s in graph.Similarities[i])
                if (s >= threshold) strong++;
            core[i] = strong >= minNeighbours;
        }
        var uf = new UnionFind(n);
        for (int i = 0; i < n; i++)
        {
            if (!core[i]) continue;
            for (int j = 0; j < graph.Neighbours[i].Length; j++)
                if (graph.Similarities[i][j] >= threshold && core[graph.Neighbours[i][j]]) uf.Union(i, graph.Neighbours[i][j]);
        }
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i;
            if (core[i])
            {
                labels[i] = uf.Find(i);
                continue;
            }
            // Neighbours are most similar first: the first core at or above the threshold is the most similar one.
            for (int j = 0; j < graph.Neighbours[i].Length && graph.Similarities[i][j] >= threshold; j++)
                if (core[graph.Neighbours[i][j]])
                {
                    labels[i] = uf.Find(graph.Neighbours[i][j]);
                    break;
                }
        }
        return labels;
    }

    /// <summary>
    /// Average linkage over the k-NN graph: clusters start as single images; the pair of clusters with the highest
    /// average similarity — the sum of the k-NN edge similarities between them over |A|·|B|, a pair without an edge
    /// counting as 0 — is merged while that average is at or above the threshold (a priority queue with stale entries
    /// skipped; ties go to the lower indices). Returns a root per node.
    /// </summary>
    internal static int[] AverageLinkage(KnnGraph graph, float threshold)
    {
        int n = graph.Count;
        // summed edge similarity between live clusters, keyed by the other cluster's root
        var sums = new Dictionary<int, double>[n];
        for (int i = 0; i < n; i++) sums[i] = [];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < graph.Neighbours[i].Length; j++)
            {
                int other = graph.Neighbours[i][j];
                if (other == i || sums[i].ContainsKey(other)) continue;
                sums[i][other] = sums[other][i] = graph.Similarities[i][j];
            }
        var size = new int[n];
        var version = new int[n];
        var parent = new int[n];
        for (int i = 0; i < n; i++) (size[i], parent[i]) = (1, i);
        var queue = new PriorityQueue<(int A, int B, int VersionA, int VersionB), (double, int, int)>();
        void Offer(int a, int b)
        {
            if (a > b) (a, b) = (b, a);
            double average = sums[a][b] / ((double)size[a] * size[b]);
            if (average >= threshold) queue.Enqueue((a, b, version[a], version[b]), (-average, a, b));
        }
        for (int a = 0; a < n; a++)
            foreach (int b in sums[a].Keys)
                if (a < b) Offer(a, b);
        while (queue.TryDequeue(out var pair, out _))
        {
            var (a, b, va, vb) = pair;
            if (parent[a] != a || parent[b] != b || version[a] != va || version[b] != vb) continue;
            // b joins a: a's sums gain b's, every neighbour of b now points at a
            parent[b] = a;
            foreach (var (c, s) in sums[b])
            {
                if (c == a) continue;
                double total = sums[a].GetValueOrDefault(c) + s;
                sums[a][c] = total;
                sums[c][a] = total;
                sums[c].Remove(b);
            }
            sums[a].Remove(b);
            sums[b] = [];
            size[a] += size[b];
            version[a]++;
            foreach (int c in sums[a].Keys) Offer(a, c);
        }
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int r = i;
            while (parent[r] != r) r = parent[r];
            labels[i] = r;
        }
        return labels;
    }

    /// <summary>Chinese Whispers over the symmetric graph of edges at or above the threshold, weighted by similarity;
    /// nodes visited in a seeded random order each round until no label changes.</summary>
    internal static int[] ChineseWhispers(KnnGraph graph, float threshold, int iterations, int seed)
    {
        int n = graph.Count;
        var adjacency = Symmetric(graph, threshold);
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i;
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(seed);
        var weights = new Dictionary<int, float>();
        for (int round = 0; round < iterations; round++)
        {
            random.Shuffle(order);
            int changed = 0;
            foreach (int i in order)
            {
                if (adjacency[i].Count == 0) continue;
                weights.Clear();
                foreach (var (j, w) in adjacency[i])
                    weights[labels[j]] = weights.GetValueOrDefault(labels[j]) + w;
                int best = labels[i];
                float bestWeight = float.NegativeInfinity;
                foreach (var (label, w) in weights)
                    if (w > bestWeight || (w == bestWeight && label < best)) (best, bestWeight) = (label, w);
                if (best != labels[i])
                {
                    labels[i] = best;
                    changed++;
                }
            }
            if (changed == 0) break;
        }
        return labels;
    }

    /// <summary>The undirected graph of the edges at or above the threshold (i–j when either lists the other, the higher
    /// similarity of the two), each node's neighbours in ascending order.</summary>
    internal static List<(int, float)>[] Symmetric(KnnGraph graph, float threshold)
    {
        int n = graph.Count;
        var edges = new Dictionary<long, float>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < graph.Neighbours[i].Length; j++)
            {
                int other = graph.Neighbours[i][j];
                float s = graph.Similarities[i][j];
                if (s < threshold || other == i) continue;
                long key = Math.Min(i, other) * (long)n + Math.Max(i, other);
                edges[key] = Math.Max(edges.GetValueOrDefault(key, float.NegativeInfinity), s);
            }
        var adjacency = new List<(int, float)>[n];
        for (int i = 0; i < n; i++) adjacency[i] = [];
        foreach (var (key, s) in edges.OrderBy(e => e.Key))
        {
            int a = (int)(key / n), b = (int)(key % n);
            adjacency[a].Add((b, s));
            adjacency[b].Add((a, s));
        }
        return adjacency;
    }

    /// <summary>Folds clusters (of two or more) whose normalised centres are at least the threshold similar.</summary>
    internal static (int[] Labels, int Merged) MergeCentres(KnnGraph graph, int[] labels, float threshold)
    {
        var members = Members(labels).Where(m => m.Count > 1).ToList();
        if (members.Count < 2) return (labels, 0);
        var centres = members.Select(m => Centre(graph, m)).ToList();
        var uf = new UnionFind(members.Count);
        int merged = 0;
        for (int a = 0; a < members.Count; a++)
            for (int b = a + 1; b < members.Count; b++)
                if (TensorPrimitives.Dot<float>(centres[a], centres[b]) >= threshold && uf.Union(a, b)) merged++;
        if (merged == 0) return (labels, 0);
        var result = (int[])labels.Clone();
        for (int c = 0; c < members.Count; c++)
        {
            int root = members[uf.Find(c)][0];
            foreach (int i in members[c]) result[i] = root;
        }
        return (result, merged);
    }

    private static ClusteringResult Finish(KnnGraph graph, int[] raw, int merged)
    {
        var groups = Members(raw)
            .OrderByDescending(m => m.Count).ThenBy(m => m[0])
            .ToList();
        var labels = new int[raw.Length];
        Array.Fill(labels, -1);
        var clusters = new List<ClusterInfo>();
        int singletons = 0;
        foreach (var m in groups)
        {
            if (m.Count == 1)
            {
                singletons++;
                continue;
            }
            var centre = Centre(graph, m);
            double cohesion = m.Average(i => (double)TensorPrimitives.Dot<float>(graph.UnitVectors.AsSpan(i * graph.Dimension, graph.Dimension), centre));
            foreach (int i in m) labels[i] = clusters.Count;
            clusters.Add(new ClusterInfo(clusters.Count + 1, m.Count, cohesion));
        }
        return new ClusteringResult(labels, clusters, singletons, merged);
    }

    /// <summary>The members of each label, each list in ascending index order, lists ordered by first member.</summary>
    private static List<List<int>> Members(int[] labels)
    {
        var byLabel = new Dictionary<int, List<int>>();
        var order = new List<List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byLabel.TryGetValue(labels[i], out var list))
            {
                list = [];
                byLabel[labels[i]] = list;
                order.Add(list);
            }
            list.Add(i);
        }
        return order;
    }

    private static float[] Centre(KnnGraph graph, List<int> members)
    {
        int d = graph.Dimension;
        var centre = new float[d];
        foreach (int i in members) TensorPrimitives.Add(centre, graph.UnitVectors.AsSpan(i * d, d), centre);
        float norm = TensorPrimitives.Norm<float>(centre);
        if (norm > 0) TensorPrimitives.Divide(centre, norm, centre);
        return centre;
    }

    private sealed class UnionFind
    {
        private readonly int[] _parent;

        public UnionFind(int n)
        {
            _parent = new int[n];
            for (int i = 0; i < n; i++) _parent[i] = i;
        }

        public int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }
            return x;
        }

        /// <summary>Joins the sets of a and b (the smaller root wins); false when they were already one.</summary>
        public bool Union(int a, int b)
        {
            int ra = Find(a), rb = Find(b);
            if (ra == rb) return false;
            if (ra < rb) _parent[rb] = ra;
            else _parent[ra] = rb;
            return true;
        }
    }
}
