using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Hosting.Training;
using Seer.Workflows;
using Seer.Workflows.Operations;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>kind "flow": a flow file on the server (<c>file</c>, within the path policy) or its text (<c>flow</c>, with
/// <c>format</c> yaml or json), <c>params</c> ({NAME: value}, as <c>--param</c>), or <c>resume</c>: a run id.</summary>
public sealed record FlowParameters
{
    public string? File { get; init; }
    public string? Flow { get; init; }
    public string? Format { get; init; }
    public Dictionary<string, JsonElement>? Params { get; init; }
    public string? Resume { get; init; }
}

/// <summary>
/// kind "flow" runs a flow (Seer.Workflows' <see cref="FlowRunner"/>, the same engine as <c>seer flow run</c>) on the
/// job runner: step lines go to the job's log, step progress (training epochs, an executor's monitor.txt) to the job's
/// progress, and the run's id becomes the job's checkpoint as soon as the run is recorded, so a requeued job (a restart)
/// resumes that run — finished steps are reused by their recorded inputs. Result: {"run", "state", "outputs",
/// "executed", "reused"}. Flows run programs (<c>command</c>, <c>executor</c>) and read server paths, so only an admin
/// may submit one (<see cref="Access.JobAccess"/>).
/// </summary>
public sealed class FlowJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly PathPolicy _paths;
    private readonly FlowModels _models;

    public FlowJobHandler(Workspace workspace, PathPolicy paths, ModelMirror mirror, IModelFiles modelFiles)
    {
        _workspace = workspace;
        _paths = paths;
        _models = Models(mirror, modelFiles);
    }

    /// <summary>
    /// A flow job may run on any worker: its steps read the models other machines trained through the mirror (the
    /// record, then the whole model, as an evaluation job does) and publish what they register, as a training job does.
    /// </summary>
    public static FlowModels Models(ModelMirror mirror, IModelFiles modelFiles) => new(
        Fetch: model =>
        {
            mirror.Records();
            mirror.Model(mirror.Registry.Get(model).Id);
        },
        Publish: id => modelFiles.Publish(id, mirror.Registry.Folder(id)));

    public string Kind => "flow";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        var p = JobParameters.Parse<FlowParameters>(parameters, Kind);
        int given = (p.File is null ? 0 : 1) + (p.Flow is null ? 0 : 1) + (p.Resume is null ? 0 : 1);
        if (given != 1) throw new SeerException(ErrorCodes.InvalidInput, "flow job: give exactly one of 'file', 'flow' (its text) or 'resume' (a run id)");
        if (p.Format is not (null or "yaml" or "json")) throw new SeerException(ErrorCodes.InvalidInput, $"flow job: format must be yaml or json (was '{p.Format}')", "format");
        if (p.File is not null) _paths.CheckReadable(p.File);
        if (p.Resume is not null)
        {
            using var store = new Workflows.Runs.FlowRunStore(_workspace.Home);
            store.GetRun(p.Resume);
        }
        if (p.Resume is not null && p.Params is not null) throw new SeerException(ErrorCodes.InvalidInput, "flow job: a resume runs with the run's own params", "params");
    }

    public Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = JobParameters.Parse<FlowParameters>(context.Parameters, Kind);
        var runner = new FlowRunner(_workspace.Home, FlowOperations.Default())
        {
            Log = context.Log, Progress = context, RunCreated = context.SaveCheckpoint, Models = _models,
        };
        return Task.Run<object?>(async () =>
        {
            FlowRunResult result;
            string? resume = p.Resume ?? context.Checkpoint;
            if (resume is not null)
            {
                context.Log($"resuming run {resume}");
                result = await runner.ResumeAsync(resume, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                string file;
                if (p.File is not null) file = _paths.CheckReadable(p.File);
                else
                {
                    // the submitted text is kept beside the runs (the run records it too)
                    string dir = Path.Combine(_workspace.Home, "flows", "submitted");
                    Directory.CreateDirectory(dir);
                    file = Path.Combine(dir, $"{context.Job.Id}.{(p.Format ?? "yaml")}");
                    File.WriteAllText(file, p.Flow);
                }
                var overrides = (p.Params ?? []).ToDictionary(kv => kv.Key, kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText(), StringComparer.Ordinal);
                result = await runner.RunAsync(file, overrides, cancellationToken).ConfigureAwait(false);
            }
            return new JsonObject
            {
                ["run"] = result.Run, ["state"] = result.State, ["outputs"] = result.Outputs.DeepClone(),
                ["executed"] = runner.Executed, ["reused"] = runner.Reused,
            };
        }, cancellationToken);
    }
}
