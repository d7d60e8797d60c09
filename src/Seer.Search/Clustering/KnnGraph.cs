using Seer.Core.Errors;

namespace Seer.Search.Clustering;

/// <summary>
/// The k nearest neighbours of every vector among the others, by cosine similarity: built with an in-memory
/// <see cref="FeatureGroup"/> (HNSW by default, exact on request), each vector queried against all (k:N), itself dropped.
/// </summary>
public sealed class KnnGraph
{
    private KnnGraph(int[][] neighbours, float[][] similarities, float[] unitVectors, int dimension)
    {
        Neighbours = neighbours;
        Similarities = similarities;
        UnitVectors = unitVectors;
        Dimension = dimension;
    }

    /// <summary>Neighbours[i]: indices of i's nearest vectors, most similar first (i itself excluded).</summary>
    public int[][] Neighbours { get; }

    /// <summary>Similarities[i][j]: cosine similarity of i and Neighbours[i][j].</summary>
    public float[][] Similarities { get; }

    /// <summary>The vectors normalised to unit length, row-major (n × <see cref="Dimension"/>).</summary>
    public float[] UnitVectors { get; }

    public int Dimension { get; }

    public int Count => Neighbours.Length;

    /// <summary>Builds the graph of <paramref name="vectors"/> (n × dimension floats, row-major).</summary>
    public static KnnGraph Build(ReadOnlyMemory<float> vectors, int dimension, int k, IndexKind index = IndexKind.Hnsw, int threads = 0)
    {
        if (dimension < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"dimension must be > 0 (was {dimension})");
        if (k < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--k must be > 0 (was {k})");
        if (vectors.Length % dimension != 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"{vectors.Length} values are not a whole number of {dimension}-d vectors");
        int n = vectors.Length / dimension;
        var ids = new string[n];
        for (int i = 0; i < n; i++) ids[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var group = FeatureGroup.CreateInMemory("knn", new FeatureGroupOptions
        {
            Dimension = dimension, Metric = DistanceMetric.Cosine, Index = index,
            EfSearch = Math.Max(64, 2 * (k + 1)),
        });
        if (threads > 0) group.Threads = threads;
        if (n > 0) group.AddRows(ids, vectors);
        var unit = new float[(long)n * dimension];
        for (int i = 0; i < n; i++) group.Get(ids[i])!.Vector.CopyTo(unit, (long)i * dimension);
        var neighbours = new int[n][];
        var similarities = new float[n][];
        if (n == 0) return new KnnGraph(neighbours, similarities, unit, dimension);
        var hits = group.SearchBatch(unit, Math.Min(k + 1, n));
        for (int i = 0; i < n; i++)
        {
            var list = hits[i].Select(h => (Index: int.Parse(h.Id, System.Globalization.CultureInfo.InvariantCulture), h.Score))
                .Where(h => h.Index != i).Take(k).ToArray();
            neighbours[i] = list.Select(h => h.Index).ToArray();
            similarities[i] = list.Select(h => h.Score).ToArray();
        }
        return new KnnGraph(neighbours, similarities, unit, dimension);
    }

    private sealed record RerankedGraph(int K1, int K2, float Lambda, int K, KnnGraph Graph);

    // the last re-ranking, replaced as one reference (two threads asking at once at worst compute it twice)
    private RerankedGraph? reranked;

    /// <summary>
    /// The graph after k-reciprocal re-ranking (<see cref="KReciprocalRerank"/>, Zhong et al. 2017): each image keeps the
    /// <paramref name="k"/> of its neighbours here with the highest similarity (1 − λ)·(1 − Jaccard distance of their
    /// k-reciprocal neighbourhoods) + λ·cosine. This graph should hold at least <paramref name="k1"/> neighbours per
    /// image (fewer: the neighbourhoods are cut at what it holds). The last result is kept, so tuning a threshold over
    /// one re-ranked graph computes it once.
    /// </summary>
    public KnnGraph Reranked(int k1, int k2, float lambda, int k)
    {
        if (k1 < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--rerank-k1 must be > 0 (was {k1})");
        if (k2 < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--rerank-k2 must be > 0 (was {k2})");
        if (!float.IsFinite(lambda) || lambda is < 0 or > 1)
            throw new SeerException(ErrorCodes.InvalidOptions, $"--rerank-lambda must be between 0 and 1 (was {lambda})");
        if (Volatile.Read(ref reranked) is { } kept && kept.K1 == k1 && kept.K2 == k2 && kept.Lambda == lambda && kept.K == k) return kept.Graph;
        var graph = KReciprocalRerank.Apply(this, k1, k2, lambda, k);
        Volatile.Write(ref reranked, new RerankedGraph(k1, k2, lambda, k, graph));
        return graph;
    }

    /// <summary>The same vectors with other edges (re-ranking).</summary>
    internal KnnGraph WithEdges(int[][] neighbours, float[][] similarities) => new(neighbours, similarities, UnitVectors, Dimension);

    /// <summary>Cosine similarity of vectors i and j.</summary>
    public float Similarity(int i, int j) =>
        System.Numerics.Tensors.TensorPrimitives.Dot<float>(UnitVectors.AsSpan(i * Dimension, Dimension), UnitVectors.AsSpan(j * Dimension, Dimension));
}
