using Seer.Core.Interchange;
using Seer.Data.Versions;

namespace Seer.Data.Operations;

/// <summary>
/// What a dataset operation wrote (one version, or one per part for a split), the images it left out with the
/// reason (dedup, exclude, conflicts resolved), and notes such as renamed files.
/// </summary>
public sealed record OperationResult(
    IReadOnlyList<CommitResult> Versions,
    IReadOnlyList<ItemIssue> Removed,
    IReadOnlyList<ItemIssue> Notes);
