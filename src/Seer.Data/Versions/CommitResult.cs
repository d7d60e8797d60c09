using Seer.Core.Datasets;

namespace Seer.Data.Versions;

/// <summary>The version a commit produced, and whether it is new (false when identical content already existed).</summary>
public sealed record CommitResult(DatasetVersionInfo Version, bool Created);
