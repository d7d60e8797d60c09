using Seer.Core.Datasets;

namespace Seer.Data.Metadata;

/// <summary>Everything one new dataset version writes, in one transaction.</summary>
public sealed record VersionCommit(
    string Dataset,
    string VersionId,
    string ContentDigest,
    IReadOnlyList<string> Parents,
    string Operation,
    string ParametersJson,
    IReadOnlyList<string> Classes,
    IReadOnlyList<ImageRecord> Images,
    IReadOnlyList<string> NewLabels,
    IReadOnlyDictionary<string, string> NewAliases,
    DateTimeOffset CreatedAt);
