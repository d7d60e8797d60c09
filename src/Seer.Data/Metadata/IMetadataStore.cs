using Seer.Core.Datasets;
using Seer.Data.Labels;

namespace Seer.Data.Metadata;

/// <summary>
/// The workspace's metadata: label space, datasets, versions (with lineage) and their images: SQLite in the workspace
/// folder (<see cref="SqliteMetadataStore"/>, the embedded default) or PostgreSQL when SEER_DB names a database
/// (<see cref="Postgres.PostgresMetadataStore"/>).
/// A version is written with all its image rows in one transaction (<see cref="Commit"/>): it exists whole or not.
/// </summary>
public interface IMetadataStore : IDisposable
{
    /// <summary>The schema version after migrations.</summary>
    int SchemaVersion { get; }

    /// <summary>
    /// The workspace's identity: a random id made when its metadata was created (a migrated copy takes the id of
    /// the workspace it copies, so a second migration can tell "the same workspace, resume" from "another one").
    /// </summary>
    string WorkspaceId { get; }

    /// <summary>Gives an empty store (no datasets) the identity <paramref name="workspaceId"/>; a store holding datasets is refused (conflict).</summary>
    void AdoptWorkspaceId(string workspaceId);

    /// <summary>Every version id in the order they were committed (parents before children).</summary>
    IReadOnlyList<string> ListVersionIds();

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
