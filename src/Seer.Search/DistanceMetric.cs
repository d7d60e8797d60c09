namespace Seer.Search;

/// <summary>
/// How two feature vectors are compared. Scores are "higher is more similar" for <see cref="InnerProduct"/> and
/// <see cref="Cosine"/>; for <see cref="L2"/> the score is the squared Euclidean distance (lower is more similar).
/// </summary>
public enum DistanceMetric
{
    /// <summary>Inner product (dot). Pair with unit-normalised features for cosine similarity at full speed.</summary>
    InnerProduct,
    /// <summary>Cosine similarity: vectors are normalised to unit length when they are stored and queried.</summary>
    Cosine,
    /// <summary>Squared Euclidean distance.</summary>
    L2,
}
