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

    /// <summary>Cosine similarity of vectors i and j.</summary>
    public float Similarity(int i, int j) =>
        System.Numerics.Tensors.TensorPrimitives.Dot<float>(UnitVectors.AsSpan(i * Dimension, Dimension), UnitVectors.AsSpan(j * Dimension, Dimension));
}
