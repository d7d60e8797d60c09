using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Postgres;
using Seer.Hosting.Training;
using Seer.Training.Registry;

namespace Seer.Cli.Commands;

/// <summary>
/// The CLI's side of <see cref="ModelMirror"/>: with SEER_DB (or --db) naming a cluster's database, the model commands
/// (and every command that takes a registry id: predict, cluster, mine, video, label tasks) see the models the
/// cluster's workers trained, as the server does — the records of every published model are copied into this HOME
/// before a listing, the whole model before it is exported, evaluated or run. Without SEER_DB nothing happens (the
/// embedded default's models are all in HOME already).
/// </summary>
internal static class SharedModels
{
    private static bool Clustered => Environment.GetEnvironmentVariable(PostgresDatabase.Variable) is { Length: > 0 };

    /// <summary>Copies the records (not the weights) of the cluster's published models this HOME lacks or holds older.</summary>
    public static void Records(string home)
    {
        if (!Clustered) return;
        using var workspace = Workspace.Open(home);
        ModelMirror.For(workspace).Records();
    }

    /// <summary>
    /// Deletes MODEL (an id or unique prefix) and returns its record: with the cluster's variables everywhere (this
    /// HOME's folder and the shared store's record, see <see cref="ModelMirror.Delete"/>), else from this HOME.
    /// </summary>
    public static ModelRecord Delete(string home, string model)
    {
        if (!Clustered)
        {
            var local = new FileModelRegistry(home);
            var record = local.Get(model);
            local.Delete(record.Id);
            return record;
        }
        using var workspace = Workspace.Open(home);
        var mirror = ModelMirror.For(workspace);
        mirror.Records();
        var found = mirror.Registry.Get(model);
        mirror.Delete(found.Id);
        return found;
    }

    /// <summary>
    /// Copies the whole of MODEL (an id or unique prefix) when another machine trained it; a file path, or an id the
    /// cluster does not know, is left for the caller to open or to refuse with its usual error.
    /// </summary>
    public static void Model(string home, string model)
    {
        if (!Clustered || File.Exists(model) || model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) return;
        using var workspace = Workspace.Open(home);
        var mirror = ModelMirror.For(workspace);
        mirror.Records();
        string id;
        try { id = new FileModelRegistry(home).Get(model).Id; }
        catch (SeerException) { return; }
        mirror.Model(id);
    }
}
