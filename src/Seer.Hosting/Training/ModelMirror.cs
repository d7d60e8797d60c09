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
/// A mirrored folder carries <see cref="TrainingLock.MirrorMarker"/>: its training runs elsewhere, so its status is
/// the published one, and a model still training is copied again on the next call (only changed files move: the
/// fetch skips files whose hash matches). Models trained on this machine are never overwritten. In the embedded
/// default (nothing is published) every call returns at once.
/// </summary>
public sealed class ModelMirror
{
    private static readonly string[] FinalStatuses = ["ready", "cancelled", "failed"];

    private readonly IModelFiles _files;
    private readonly Workspace _workspace;

    public ModelMirror(IModelFiles files, Workspace workspace)
    {
        _files = files ?? throw new ArgumentNullException(nameof(files));
        _workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
    }

    /// <summary>The registry of this machine's HOME (mirrored models included).</summary>
    public FileModelRegistry Registry => new(_workspace.Home);

    /// <summary>Copies the records (not the weights) of every published model this machine lacks or holds unfinished.</summary>
    public void Records()
    {
        if (!_files.Shared) return;
        foreach (string id in _files.Published()) Record(id);
    }

    /// <summary>Copies one published model's record, curves and evaluations (not its weights); false when it is local or unpublished.</summary>
    public bool Record(string id)
    {
        if (!_files.Shared || !NeedsCopy(id, out string folder)) return false;
        return Copy(id, folder, IsRecordFile);
    }

    /// <summary>Copies every file of a published model (weights and exports too) unless this machine has it complete.</summary>
    public void Model(string id)
    {
        if (!_files.Shared) return;
        string folder = Registry.Folder(id);
        bool local = File.Exists(Path.Combine(folder, "model.json")) && !IsMirror(folder);
        if (local) return;
        Copy(id, folder, null);
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

    private bool NeedsCopy(string id, out string folder)
    {
        folder = Registry.Folder(id);
        string record = Path.Combine(folder, "model.json");
        if (!File.Exists(record)) return true;
        if (!IsMirror(folder)) return false;   // trained here
        try
        {
            return !FinalStatuses.Contains(Registry.Get(id).Status);
        }
        catch (Core.Errors.SeerException)
        {
            return true;   // a damaged copy: copy it again
        }
    }

    private bool Copy(string id, string folder, Func<string, bool>? include)
    {
        Directory.CreateDirectory(folder);
        // The marker first: a folder half-copied is still known as a copy (and copied again), never taken as local.
        File.WriteAllText(Path.Combine(folder, TrainingLock.MirrorMarker), "copied from the cluster's shared model store\n");
        return _files.Fetch(id, folder, include);
    }

    /// <summary>Records, curves, settings and evaluations: everything but weights, checkpoints and exported models.</summary>
    private static bool IsRecordFile(string path) =>
        !(path.EndsWith(".ckpt", StringComparison.Ordinal) || path.EndsWith(".weights", StringComparison.Ordinal)
          || path.EndsWith(".bin", StringComparison.Ordinal) || path.EndsWith(".onnx", StringComparison.Ordinal)
          || path.EndsWith(".data", StringComparison.Ordinal));
}
