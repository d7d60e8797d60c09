namespace Seer.Core.Datasets;

/// <summary>
/// The record of one immutable dataset version: like a commit, it names its parents and the operation that made it
/// (import, merge, filter, split, ...) with that operation's parameters as JSON.
/// </summary>
public sealed record DatasetVersionInfo(
    string Dataset,
    string Version,
    IReadOnlyList<string> Parents,
    string Operation,
    string ParametersJson,
    DateTimeOffset CreatedAt,
    int ImageCount,
    int LabelledCount);
