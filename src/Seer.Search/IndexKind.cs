namespace Seer.Search;

/// <summary>The search structure of a feature group.</summary>
public enum IndexKind
{
    /// <summary>Brute-force scan of every stored vector (SIMD, all cores): exact results.</summary>
    Exact,
    /// <summary>Hierarchical navigable small-world graph: approximate results, sub-linear search time.</summary>
    Hnsw,
}
