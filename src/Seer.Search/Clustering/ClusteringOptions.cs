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

    /// <summary>
    /// k-reciprocal re-ranking of the k-NN graph before clustering (<see cref="KnnGraph.Reranked"/>): edge similarities
    /// become the overlap of the two images' k-reciprocal neighbourhoods (blended with the cosine by
    /// <see cref="RerankLambda"/>); the threshold then applies to that similarity.
    /// </summary>
    public bool Rerank { get; init; }

    /// <summary>Re-ranking: the k of the k-reciprocal neighbourhoods (the graph is built with at least this many
    /// neighbours). Best near the number of images per identity: the paper's 20 suits galleries of 14-26 images per
    /// person; on 8-10 per identity it was worse than no re-ranking, 6-10 better.</summary>
    public int RerankK1 { get; init; } = 10;

    /// <summary>Re-ranking: neighbours averaged in the local query expansion (the image itself included).</summary>
    public int RerankK2 { get; init; } = 3;

    /// <summary>Re-ranking: weight of the cosine similarity beside the Jaccard one (0 = Jaccard only).</summary>
    public float RerankLambda { get; init; } = 0.3f;

    /// <summary>Neighbours per vector the k-NN graph is built with: <see cref="K"/>, or <see cref="RerankK1"/> when re-ranking needs more.</summary>
    public int GraphK => Rerank ? Math.Max(K, RerankK1) : K;

    public void Validate()
    {
        if (!float.IsFinite(Threshold) || Threshold is < -1 or > 1)
            throw new SeerException(ErrorCodes.InvalidOptions, $"--threshold must be a cosine similarity between -1 and 1 (was {Threshold})");
        if (K < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--k must be > 0 (was {K})");
        if (Rerank && RerankK1 < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--rerank-k1 must be > 0 (was {RerankK1})");
        if (Rerank && RerankK2 < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--rerank-k2 must be > 0 (was {RerankK2})");
        if (Rerank && (!float.IsFinite(RerankLambda) || RerankLambda is < 0 or > 1))
            throw new SeerException(ErrorCodes.InvalidOptions, $"--rerank-lambda must be between 0 and 1 (was {RerankLambda})");
        if (MinNeighbours < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--min-neighbours must be > 0 (was {MinNeighbours})");
        if (Iterations < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"iterations must be > 0 (was {Iterations})");
        if (!Enum.IsDefined(Method)) throw new SeerException(ErrorCodes.InvalidOptions, $"unknown clustering method {Method}");
    }
}
