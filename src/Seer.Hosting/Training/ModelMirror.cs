using Seer.Core.Errors;
using Seer.Data;
using Seer.Training.Registry;

namespace Seer.Hosting.Training;

/// <summary>
/// In a cluster, models are trained on workers, each with its own HOME/models; their folders are published to the
/// shared store (<see cref="IModelFiles"/>). The mirror copies what this machine lacks into its own HOME/models, so
/// the registry, the model pages, the curves of a running job, the image API and evaluation jobs see every model of
/// the cluster through the one file registry (<see cref="FileModelRegistry"/>) they already use:
/// <list type="bullet">
/// <item><see cref="Records"/>: the records, curves and evaluations (small files) of every published model; the
/// weights and checkpoints are left in the store.</item>
/// <item><see cref="Model"/>: one model's every file (weights, exports), before it is served or evaluated here.</item>
/// </list>
/// A mirrored folder carries <see cref="TrainingLock.MirrorMarker"/>, which holds the version of the publish it copied:
/// its training runs elsewhere, so its status is the published one, and it is copied again once the store holds a
/// newer publish (another epoch, a new evaluation; only changed files move: the fetch skips files whose hash
/// matches). Models trained on this machine are never overwritten. In the embedded default (nothing is published)
/// every call returns at once.
/// </summary>
public sealed class ModelMirror
{
    private const string Copying = "copying";

    private readonly IModelFiles _files;
    private readonly Workspace _workspace;

    public ModelMirror(IModelFiles files, Workspace workspace)
    {
        _files = files ?? throw new ArgumentNullException(nameof(files));
        _workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
    }

    /// <summary>
    /// The mirror of a process that is not the server's host (the CLI): the cluster's shared store when the workspace's
    /// database is PostgreSQL (SEER_DB), else the embedded default's (nothing published, every call returns at once).
    /// The caller keeps the workspace open while it uses the mirror.
    /// </summary>
    public static ModelMirror For(Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (workspace.Database is not Seer.Data.Postgres.PostgresDatabase db) return new ModelMirror(new LocalModelFiles(), workspace);
        db.Migrate(Postgres.PostgresMigrations.Ledger, Postgres.PostgresMigrations.All); // the models tables (cheap once current)
        return new ModelMirror(new Postgres.PostgresModelFiles(db, workspace.Blobs), workspace);
    }

    /// <summary>The registry of this machine's HOME (mirrored models included).</summary>
    public FileModelRegistry Registry => new(_workspace.Home);

    /// <summary>
    /// Copies the records (not the weights) of every published model this machine lacks or holds an older publish of,
    /// and removes the copies of models deleted from the shared store since (a folder trained here is never removed).
    /// </summary>
    public void Records()
    {
        if (!_files.Shared) return;
        var published = _files.Published();
        foreach (var model in published) Refresh(model, IsRecordFile);
        var ids = published.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        string root = Path.Combine(_workspace.Home, "models");
        if (!Directory.Exists(root)) return;
        foreach (string folder in Directory.EnumerateDirectories(root))
            if (IsMirror(folder) && !ids.Contains(Path.GetFileName(folder)))
                lock (Copies.GetOrAdd(Path.GetFullPath(folder), _ => new object()))
                    if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>
    /// Deletes a model everywhere: this machine's folder (refused while it trains here, as the registry refuses) and
    /// its record in the shared store, so no machine lists or copies it again (their copies go at their next listing).
    /// A copy of a model whose training still runs on another machine is refused: cancel its job first.
    /// </summary>
    public void Delete(string id)
    {
        var registry = Registry;
        var record = registry.Get(id);
        if (_files.Shared && IsMirror(registry.Folder(record.Id)) && record.Status == "training")
            throw new SeerException(ErrorCodes.Conflict,
                $"model {record.Id} is training on another machine of the cluster; cancel its job before deleting it");
        registry.Delete(record.Id);
        _files.Unpublish(record.Id);
    }

    /// <summary>Copies one published model's record, curves and evaluations (not its weights) when this machine's copy is missing or older.</summary>
    public void Record(string id)
    {
        if (!_files.Shared) return;
        if (_files.Published().FirstOrDefault(m => m.Id == id) is { } model) Refresh(model, IsRecordFile);
    }

    /// <summary>Copies every file of a published model (weights and exports too) unless this machine trained it.</summary>
    public void Model(string id)
    {
        if (!_files.Shared) return;
        string folder = Registry.Folder(id);
        if (File.Exists(Path.Combine(folder, "model.json")) && !IsMirror(folder)) return;   // trained here
        // Whole: every file is checked (a record-only copy of the same version lacks the weights); unchanged files
        // cost a hash, not a download.
        if (_files.Published().FirstOrDefault(m => m.Id == id) is { } model) Copy(model, folder, null);
    }

    /// <summary>
    /// A file of a model that another machine wrote under its HOME/models/ID (the served ONNX of a model a worker
    /// trained): the same file under this machine's HOME, copied from the shared store. Any other path is returned as is.
    /// </summary>
    public string LocalPath(string path)
    {
        if (!_files.Shared || File.Exists(path)) return path;
        var parts = Path.GetFullPath(path).Split(Path.DirectorySeparatorChar);
        int at = Array.LastIndexOf(parts, "models");
        if (at < 0 || at + 2 >= parts.Length || !parts[at + 1].StartsWith("m-", StringComparison.Ordinal)) return path;
        string id = parts[at + 1];
        Model(id);
        string local = Path.Combine([Registry.Folder(id), .. parts[(at + 2)..]]);
        return File.Exists(local) ? local : path;
    }

    /// <summary>Whether the folder was copied from the shared store (the model was trained on another machine).</summary>
    public static bool IsMirror(string folder) => File.Exists(Path.Combine(folder, TrainingLock.MirrorMarker));

    /// <summary>Turns a mirrored folder into this machine's own (a job resumed here trains it from now on).</summary>
    public static void Adopt(string folder) => File.Delete(Path.Combine(folder, TrainingLock.MirrorMarker));

    private void Refresh(PublishedModel model, Func<string, bool> include)
    {
        string folder = Registry.Folder(model.Id);
        string marker = Path.Combine(folder, TrainingLock.MirrorMarker);
        if (File.Exists(Path.Combine(folder, "model.json")))
        {
            if (!File.Exists(marker)) return;                                     // trained here
            if (File.ReadAllText(marker).Trim() == model.Version) return;         // this publish is copied already
        }
        Copy(model, folder, include);
    }

    private void Copy(PublishedModel model, string folder, Func<string, bool>? include)
    {
        // One copy of a folder at a time in this process (a page and a job, or a flow's branches, asking at once):
        // the second waits and then finds the files in place (unchanged files cost a hash, not a download).
        lock (Copies.GetOrAdd(Path.GetFullPath(folder), _ => new object()))
            CopyLocked(model, folder, include);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> Copies = new(StringComparer.Ordinal);

    private void CopyLocked(PublishedModel model, string folder, Func<string, bool>? include)
    {
        Directory.CreateDirectory(folder);
        string marker = Path.Combine(folder, TrainingLock.MirrorMarker);
        // The marker first: a folder half-copied is still known as a copy (and copied again), never taken as local.
        File.WriteAllText(marker, Copying);
        _files.Fetch(model.Id, folder, include);
        File.WriteAllText(marker, model.Version);
    }

    /// <summary>Records, curves, settings and evaluations: everything but weights, checkpoints and exported models.</summary>
    private static bool IsRecordFile(string path) =>
        !(path.EndsWith(".ckpt", StringComparison.Ordinal) || path.EndsWith(".weights", StringComparison.Ordinal)
          || path.EndsWith(".bin", StringComparison.Ordinal) || path.EndsWith(".onnx", StringComparison.Ordinal)
          || path.EndsWith(".data", StringComparison.Ordinal));
}
