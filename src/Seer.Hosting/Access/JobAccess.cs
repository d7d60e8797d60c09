using System.Text.Json;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Models;
using Seer.Hosting.Projects;

namespace Seer.Hosting.Access;

/// <summary>
/// What a job's parameters refer to, checked against its submitter's rights when it is submitted and again when it
/// runs (a dataset may have been un-shared, a role changed meanwhile): datasets read (dataset, pool, train, val,
/// test, a synth job's items), datasets written (an import's or a synth job's dataset, a mining job's "into", a pre-annotation's target), trained models
/// (an evaluation's model), served models (mining and pre-annotation) and projects (iteration). Datasets a job will
/// create are claimed for the submitter at submission, private until shared.
/// </summary>
public sealed class JobAccess
{
    private static readonly string[] ReadKeys = ["dataset", "pool", "train", "val", "test", "items"];

    private readonly ResourceAccess _access;
    private readonly Workspace _workspace;
    private readonly ProjectStore _projects;
    private readonly ModelCatalog _catalog;

    public JobAccess(ResourceAccess access, Workspace workspace, ProjectStore projects, ModelCatalog catalog)
    {
        _catalog = catalog;
        _access = access;
        _workspace = workspace;
        _projects = projects;
    }

    /// <summary>Throws not-found for anything the caller may not see, forbidden for what they see but may not change.</summary>
    public void Check(string kind, JsonElement parameters, Caller caller)
    {
        if (caller.IsAdmin) return;
        // a flow runs programs (command, executor steps) and reads server paths: an admin's job only
        if (kind == "flow")
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.Forbidden, "flow jobs run programs and read server paths; only an admin may submit them");
        if (parameters.ValueKind != JsonValueKind.Object) return;
        foreach (var target in Written(kind, parameters))
        {
            if (_workspace.Metadata.FindHead(target) is not null) _access.DemandChange(ResourceKinds.Dataset, target, caller);
            else if (!_access.CanChange(ResourceKinds.Dataset, target, caller)) throw ResourceAccess.Hidden(ResourceKinds.Dataset, target);
        }
        foreach (var key in ReadKeys)
        {
            if (kind is "import" or "synth" && key == "dataset") continue;
            if (Name(parameters, key) is { } reference) _access.DemandDataset(_workspace, DatasetRef.Parse(reference).Name, caller);
        }
        if (Name(parameters, "model") is { } model)
        {
            if (kind == "evaluation") _access.ResolveModel(_workspace, model, caller);
            else _access.DemandServed(_catalog, model, caller);
        }
        if (Name(parameters, "project") is { } project)
        {
            Project found;
            try
            {
                found = _projects.Get(project);
            }
            catch (Core.Errors.SeerException)
            {
                throw ResourceAccess.Hidden("project", project);
            }
            if (!ProjectAccess.Allows(found, caller.Name, caller.IsAdmin)) throw ResourceAccess.Hidden("project", project);
        }
    }

    /// <summary>Claims the datasets the job will create for its submitter (private until shared).</summary>
    public void ClaimOutputs(string kind, JsonElement parameters, Caller caller)
    {
        if (parameters.ValueKind != JsonValueKind.Object) return;
        foreach (var target in Written(kind, parameters))
            if (_workspace.Metadata.FindHead(target) is null) _access.Claim(ResourceKinds.Dataset, target, caller.Name);
    }

    private static IEnumerable<string> Written(string kind, JsonElement p)
    {
        switch (kind)
        {
            case "import":
            case "synth":
                if (Name(p, "dataset") is { } d) yield return d;
                break;
            case "mining":
                if (Name(p, "into") is { } into) yield return into;
                else if (Name(p, "pool") is { } pool) yield return DatasetRef.Parse(pool).Name + "-mined";
                break;
            case "pre-annotation":
            case "preannotation":
                if (Name(p, "target") is { } t) yield return t;
                else if (Name(p, "dataset") is { } ds) yield return DatasetRef.Parse(ds).Name;
                break;
        }
    }

    private static string? Name(JsonElement p, string key) =>
        p.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
