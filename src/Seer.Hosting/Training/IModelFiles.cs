namespace Seer.Hosting.Training;

/// <summary>
/// Where a model's files (record, weights, checkpoints, curves, exports) live beyond the machine that wrote them. The
/// embedded default keeps them only in HOME/models (<see cref="LocalModelFiles"/>); with SEER_DB they are published
/// to the blob store with a record in PostgreSQL (<see cref="Postgres.PostgresModelFiles"/>), so a job resumed on
/// another worker fetches the last checkpoint from there.
/// </summary>
public interface IModelFiles
{
    /// <summary>Copies every file of the model's folder to the shared store (idempotent: unchanged files cost a hash).</summary>
    void Publish(string modelId, string folder);

    /// <summary>Brings the model's published files into <paramref name="folder"/>; false when nothing was published.</summary>
    bool Fetch(string modelId, string folder);
}
