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
}

/// <summary>Parsing and naming of <see cref="ClusterMethod"/> for the CLI.</summary>
public static class ClusterMethods
{
    public static ClusterMethod Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "components" or "cc" or "connected-components" => ClusterMethod.Components,
        "chinese-whispers" or "cw" or "whispers" => ClusterMethod.ChineseWhispers,
        _ => throw new SeerException(ErrorCodes.InvalidOptions, $"--method '{text}' is not a clustering method; use chinese-whispers or components"),
    };

    public static string Name(ClusterMethod method) => method == ClusterMethod.Components ? "components" : "chinese-whispers";
}
