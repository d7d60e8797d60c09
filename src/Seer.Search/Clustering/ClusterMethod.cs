using Seer.Core.Errors;

namespace Seer.Search.Clustering;

/// <summary>How the k-NN graph becomes clusters.</summary>
public enum ClusterMethod
{
    /// <summary>Connected components of the edges at or above the threshold (the baseline; one wrong edge joins two identities).</summary>
    Components,
    /// <summary>Chinese Whispers (Biemann 2006): label propagation where each node takes the label with the largest summed
    /// edge similarity among its neighbours; weak bridges between dense groups do not merge them.</summary>
    ChineseWhispers,
    /// <summary>Density-based (DBSCAN on the k-NN graph): an image with at least
    /// <see cref="ClusteringOptions.MinNeighbours"/> neighbours at or above the threshold is a core; cores linked by such
    /// an edge form a cluster; any other image joins the cluster of its most similar core neighbour, or stays a singleton.
    /// Sparse images between two groups neither join them nor pass a link on.</summary>
    Density,
    /// <summary>Average linkage over the k-NN graph (agglomerative, GCN-free): every image starts alone; the two clusters
    /// with the highest average similarity are merged while it is at or above the threshold, where the average runs over
    /// all |A|·|B| pairs and a pair without a k-NN edge counts as 0. A cluster joins another only when most of its
    /// members are close to most of the other's, so neither a bridge nor a chain merges two identities.</summary>
    Linkage,
    /// <summary>Infomap (Rosvall and Bergstrom 2008): the partition that minimises the two-level map equation — the
    /// description length of a random walk on the thresholded graph, edges weighted by similarity — found by Infomap's
    /// core algorithm (local moving and aggregation, seeded trials). A group the walk rarely leaves is a cluster.</summary>
    Infomap,
}

/// <summary>Parsing and naming of <see cref="ClusterMethod"/> for the CLI.</summary>
public static class ClusterMethods
{
    public static ClusterMethod Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "components" or "cc" or "connected-components" => ClusterMethod.Components,
        "chinese-whispers" or "cw" or "whispers" => ClusterMethod.ChineseWhispers,
        "density" or "dbscan" => ClusterMethod.Density,
        "linkage" or "average-linkage" => ClusterMethod.Linkage,
        "infomap" or "map-equation" => ClusterMethod.Infomap,
        _ => throw new SeerException(ErrorCodes.InvalidOptions, $"--method '{text}' is not a clustering method; use chinese-whispers, linkage, infomap, density or components"),
    };

    public static string Name(ClusterMethod method) => method switch
    {
        ClusterMethod.Components => "components",
        ClusterMethod.Density => "density",
        ClusterMethod.Linkage => "linkage",
        ClusterMethod.Infomap => "infomap",
        _ => "chinese-whispers",
    };
}
