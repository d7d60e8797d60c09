using Seer.Core.Interchange;

namespace Seer.Data.Import;

/// <summary>
/// What an import did: the version it wrote (or the unchanged head when the same content was imported again),
/// counts, every rejected item with its reason, warnings (clipped boxes, size mismatches), and what happened to
/// labels the label space did not know.
/// </summary>
public sealed record ImportResult(
    string Dataset,
    string Version,
    bool Created,
    int Images,
    int Labelled,
    int Objects,
    int NewBlobs,
    long NewBytes,
    IReadOnlyList<ItemIssue> Rejected,
    IReadOnlyList<ItemIssue> Warnings,
    IReadOnlyList<string> NewLabels,
    IReadOnlyDictionary<string, string> MappedLabels,
    IReadOnlyList<string> Classes);
