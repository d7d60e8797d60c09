using System.Globalization;

namespace Seer.Core.Datasets;

/// <summary>
/// The tags that carry a clustering in a dataset version: <c>cluster-0001</c>, <c>cluster-0002</c>, … (numbered by
/// size when <c>seer cluster</c> writes them; review operations add the next free number).
/// </summary>
public static class ClusterNames
{
    public const string Prefix = "cluster-";

    /// <summary>The version parameter holding each cluster's cohesion (<c>{"cluster-0001": 0.91, …}</c>).</summary>
    public const string CohesionParameter = "cohesion";

    public static string Name(int number) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{number:0000}");

    /// <summary>Whether <paramref name="tag"/> names a cluster; its number when it does.</summary>
    public static bool TryParse(string? tag, out int number)
    {
        number = 0;
        return tag is not null && tag.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(tag.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
