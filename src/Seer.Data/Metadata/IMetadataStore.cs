using Seer.Core.Datasets;
using Seer.Data.Labels;

namespace Seer.Data.Metadata;

/// <summary>
/// The workspace's metadata: label space, datasets, versions (with lineage) and their images. SQLite now
/// (<see cref="SqliteMetadataStore"/>); a PostgreSQL implementation plugs in behind the same calls.
/// A version is written with all its image rows in one transaction (<see cref="Commit"/>): it exists whole or not.
/// </summary>
public interface IMetadataStore : IDisposable
{
    /// <summary>The schema version after migrations.</summary>
    int SchemaVersion { get; }

    LabelSpace ReadLabelSpace();

    /// <summary>Adds <paramref name="alias"/> → <paramref name="canonical"/> (adding the canonical label when new).</summary>
    void AddAlias(string alias, string canonical);

    IReadOnlyList<DatasetSummary> ListDatasets();

    /// <summary>The head (latest) version id of a dataset, or null when the dataset does not exist.</summary>
    string? FindHead(string dataset);

    /// <summary>Versions of a dataset whose id starts with the prefix.</summary>
    IReadOnlyList<DatasetVersionInfo> FindVersionsByPrefix(string dataset, string idPrefix);

    DatasetVersionInfo? GetVersion(string versionId);

    /// <summary>The names of the datasets with a version holding an image of this content hash (who may read the blob).</summary>
    IReadOnlyList<string> DatasetsWithImage(string contentHash);

    /// <summary>The content digest a version id was computed from (images + classes), or null.</summary>
    string? GetContentDigest(string versionId);

    IReadOnlyList<string> ReadClasses(string versionId);

    IReadOnlyList<ImageRecord> ReadImages(string versionId);

    /// <summary>
    /// Writes a version, its image rows, new labels and aliases, and moves the dataset head, in one transaction.
    /// Returns false when a version with that id already exists (then only the head moves).
    /// </summary>
    bool Commit(VersionCommit commit);

    /// <summary>Cached perceptual hashes by content hash.</summary>
    IReadOnlyDictionary<string, ulong> ReadPerceptualHashes(IReadOnlyCollection<string> contentHashes);

    void SavePerceptualHashes(IReadOnlyDictionary<string, ulong> hashes);
}
