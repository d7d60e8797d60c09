using Seer.Core.Errors;

namespace Seer.Search.Clustering;

/// <summary>Settings of <see cref="Clusterer"/>.</summary>
public sealed record ClusteringOptions
{
    /// <summary>Cosine similarity at or above which two neighbours are linked (and two cluster centres merged).</summary>
    public float Threshold { get; init; } = 0.6f;

    public ClusterMethod Method { get; init; } = ClusterMethod.ChineseWhispers;

    /// <summary>Neighbours per vector in the k-NN graph.</summary>
    public int K { get; init; } = 10;

    /// <summary>HNSW (default) or exact neighbour search.</summary>
    public IndexKind Index { get; init; } = IndexKind.Hnsw;

    /// <summary>Chinese Whispers rounds (it usually settles in a handful).</summary>
    public int Iterations { get; init; } = 20;

    /// <summary>Merge clusters whose centres are at least <see cref="Threshold"/> similar (de-duplication across clusters;
    /// not after <see cref="ClusterMethod.Linkage"/>, which merges clusters by their average similarity itself).</summary>
    public bool MergeCentres { get; init; } = true;

    public int Seed { get; init; } = 42;

    /// <summary>Density method: neighbours at or above the threshold that make an image a core (default 3).</summary>
    public int MinNeighbours { get; init; } = 3;

    public void Validate()
    {
        if (!float.IsFinite(Threshold) || Threshold is < -1 or > 1)
            throw new SeerException(ErrorCodes.InvalidOptions, $"--threshold must be a cosine similarity between -1 and 1 (was {Threshold})");
        if (K < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--k must be > 0 (was {K})");
        if (MinNeighbours < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--min-neighbours must be > 0 (was {MinNeighbours})");
        if (Iterations < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"iterations must be > 0 (was {Iterations})");
        if (!Enum.IsDefined(Method)) throw new SeerException(ErrorCodes.InvalidOptions, $"unknown clustering method {Method}");
    }
}
