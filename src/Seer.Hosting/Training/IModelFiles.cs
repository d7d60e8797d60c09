namespace Seer.Hosting.Training;

/// <summary>
/// Where a model's files (record, weights, checkpoints, curves, exports) live beyond the machine that wrote them. The
/// embedded default keeps them only in HOME/models (<see cref="LocalModelFiles"/>); with SEER_DB they are published
/// to the blob store with a record in PostgreSQL (<see cref="Postgres.PostgresModelFiles"/>), so a job resumed on
/// another worker fetches the last checkpoint from there, and the server shows, serves and evaluates models its
/// workers trained (<see cref="ModelMirror"/>).
/// </summary>
public interface IModelFiles
{
    /// <summary>False for the embedded default: nothing is ever published, so there is nothing to mirror.</summary>
    bool Shared { get; }

    /// <summary>Copies every file of the model's folder to the shared store (idempotent: unchanged files cost a hash).</summary>
    void Publish(string modelId, string folder);

    /// <summary>
    /// Brings the model's published files into <paramref name="folder"/> (those whose path, relative to the model
    /// folder with '/' separators, <paramref name="include"/> accepts; all when null); false when nothing was published.
    /// </summary>
    bool Fetch(string modelId, string folder, Func<string, bool>? include = null);

    /// <summary>
    /// Removes the model from the shared store's records (its files' rows and its record; the content-addressed
    /// blobs stay, as other models may share them): no machine lists or copies it any more.
    /// </summary>
    void Unpublish(string modelId);

    /// <summary>The published models: id and a version that changes with every publish (a copy older than it is stale).</summary>
    IReadOnlyList<PublishedModel> Published();
}

/// <summary>A model in the shared store: its id and the version of its last publish.</summary>
public sealed record PublishedModel(string Id, string Version);
