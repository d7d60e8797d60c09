using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.ActiveLearning.Iterations;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Data;
using Seer.Hosting.Accounts;
using Seer.Hosting.Projects;
using Seer.Mining;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "iteration": {"project", "round" (bring the project to this round; round 0 = the initial model), "strategy"
/// (default entropy), "topk" (default 100), "oracle" (a labelled copy of the pool NAME[@VERSION]; without it the picks
/// are written as a labelling task and the job ends in state waiting), "tool" (cvat|labelstudio|seer), "assignees" and "reviewer" (tool seer), "seed",
/// "from_scratch", "aggregate" (detectors: max|mean|sum), and the training numbers "epochs", "image_size", "batch_size", "width", "learning_rate",
/// "architecture", "max_batches_per_epoch"; unset ones keep the latest round's settings} runs Seer.ActiveLearning's <see cref="IterationRunner"/> with the job's
/// CPU threads. Resumable: every step is recorded when it ends, so a requeued job starts at the first unfinished step
/// (training continues from its epoch checkpoint). One iteration job per project at a time; the job's creator must be
/// allowed to work on the project (<see cref="ProjectAccess"/>).
/// </summary>
public sealed class IterationJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly ProjectStore _projects;
    private readonly IJobQueue _queue;
    private readonly AccountStore _accounts;

    public IterationJobHandler(Workspace workspace, ProjectStore projects, IJobQueue queue, AccountStore accounts)
    {
        _workspace = workspace;
        _projects = projects;
        _queue = queue;
        _accounts = accounts;
    }

    public string Kind => "iteration";

    public bool Resumable => true;

    public int DefaultCpuThreads => Math.Max(1, Math.Min(4, Environment.ProcessorCount));

    public void Validate(JsonElement parameters)
    {
        var project = _projects.Get(JobParameters.RequiredString(parameters, "project", Kind));
        if (JobParameters.OptionalInt(parameters, "round", Kind, 0, 1000) is null)
            throw new SeerException(ErrorCodes.InvalidInput, "iteration job: parameter 'round' is required (the round to reach; 0 = the initial model)", "round");
        var settings = Settings(parameters, project, 1);
        if (settings.Oracle is { } oracle) _workspace.Resolve(DatasetRef.Parse(oracle));
        settings.Validate();
        var active = _queue.List(JobState.Queued).Concat(_queue.List(JobState.Running))
            .FirstOrDefault(j => j.Kind == Kind && JobParameters.OptionalString(j.Parameters, "project", Kind) == project.Name);
        if (active is not null)
            throw new SeerException(ErrorCodes.Conflict, $"iteration job {active.Id} of project '{project.Name}' is {active.State.ToString().ToLowerInvariant()}; wait for it or cancel it", project.Name);
    }

    /// <summary>
    /// The settings of new rounds: the job's parameters over the settings of the project's latest round (so a round
    /// fine-tunes its parent with the same network unless told otherwise), else over the defaults. A resumed round
    /// keeps the settings it started with.
    /// </summary>
    public IterationSettings Settings(JsonElement p, Project project, int threads)
    {
        ArgumentNullException.ThrowIfNull(project);
        var latest = _projects.Iterations(project.Id).LastOrDefault();
        var previous = latest is null ? new IterationSettings() : IterationSettings.FromJson(latest.Settings);
        var t = previous.Training;
        var training = t with
        {
            Task = project.Task,
            Architecture = JobParameters.OptionalString(p, "architecture", Kind) ?? t.Architecture,
            Epochs = JobParameters.OptionalInt(p, "epochs", Kind, 1, 10_000) ?? t.Epochs,
            ImageSize = JobParameters.OptionalInt(p, "image_size", Kind, 16, 2048) ?? t.ImageSize,
            BatchSize = JobParameters.OptionalInt(p, "batch_size", Kind, 1, 4096) ?? t.BatchSize,
            Width = JobParameters.OptionalInt(p, "width", Kind, 0, 4096) ?? t.Width,
            LearningRate = JobParameters.OptionalNumber(p, "learning_rate", Kind) ?? t.LearningRate,
            MaxBatchesPerEpoch = JobParameters.OptionalInt(p, "max_batches_per_epoch", Kind, 0, 1_000_000) ?? t.MaxBatchesPerEpoch,
            Seed = JobParameters.OptionalInt(p, "seed", Kind, 0, int.MaxValue) ?? t.Seed,
            Threads = threads,
        };
        string tool = (JobParameters.OptionalString(p, "tool", Kind) ?? previous.Tool).Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
        return previous with
        {
            Strategy = JobParameters.OptionalString(p, "strategy", Kind) is { } strategy ? MiningOptions.ParseStrategy(strategy) : previous.Strategy,
            TopK = JobParameters.OptionalInt(p, "topk", Kind, 1, 1_000_000) ?? previous.TopK,
            Oracle = HasProperty(p, "oracle") ? JobParameters.OptionalString(p, "oracle", Kind) is { Length: > 0 } o ? o : null : previous.Oracle,
            Tool = tool,
            Assignees = p.ValueKind == JsonValueKind.Object && p.TryGetProperty("assignees", out var who) && who.ValueKind == JsonValueKind.Array
                ? who.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!
                    : throw new SeerException(ErrorCodes.InvalidInput, "iteration job: 'assignees' must be user names", "assignees")).ToList()
                : previous.Assignees,
            Reviewer = HasProperty(p, "reviewer") ? JobParameters.OptionalString(p, "reviewer", Kind) is { Length: > 0 } r ? r : null : previous.Reviewer,
            Seed = JobParameters.OptionalInt(p, "seed", Kind, 0, int.MaxValue) ?? previous.Seed,
            FromScratch = OptionalBool(p, "from_scratch") ?? previous.FromScratch,
            Aggregation = JobParameters.OptionalString(p, "aggregate", Kind) is { } aggregate ? MiningOptions.ParseAggregation(aggregate) : previous.Aggregation,
            Training = training,
        };
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = context.Parameters;
        var project = _projects.Get(JobParameters.RequiredString(p, "project", Kind));
        string by = context.Job.CreatedBy;
        ProjectAccess.Demand(project, by, _accounts.Find(by)?.Role == UserRole.Admin);
        int round = JobParameters.OptionalInt(p, "round", Kind, 0, 1000)!.Value;
        var settings = Settings(p, project, context.CpuThreads);
        int total = Enumerable.Range(0, round + 1).Sum(r => IterationStep.For(r).Count);
        var events = new EventLog(context, total);
        context.Log($"project {project.Name} ({project.Task}): bringing it to round {round} with {MiningOptions.StrategyName(settings.Strategy)}, top {settings.TopK}, " +
                    (settings.Oracle is { } o ? $"oracle {o}" : $"labels from {settings.Tool}"));
        var outcome = await new IterationRunner(_workspace, _projects).RunAsync(project, round, settings, events, cancellationToken).ConfigureAwait(false);
        if (outcome.Waiting is { } w) context.Warn(w.Instructions(project.Name));
        var history = ProjectJson.History(outcome.History);
        var rounds = new JsonArray(history.OfType<JsonObject>().Select(h => (JsonNode?)new JsonObject
        {
            ["round"] = h["round"]?.DeepClone(), ["state"] = h["state"]?.DeepClone(), ["labelled"] = h["labelled"]?.DeepClone(),
            ["model"] = h["model"]?.DeepClone(), ["metrics"] = h["metrics"]?.DeepClone(),
        }).ToArray());
        var result = new JsonObject
        {
            ["project"] = project.Name,
            ["round"] = round,
            ["status"] = outcome.Status,
            ["rounds"] = rounds,
            ["waiting"] = outcome.Waiting is { } wait ? new JsonObject
            {
                ["round"] = wait.Round, ["task_dir"] = wait.TaskDirectory, ["tool"] = wait.Tool, ["import_into"] = wait.ImportInto, ["images"] = wait.Images,
                ["task"] = wait.Task,
            } : null,
        };
        // a round waiting for labels is not a success: the job ends "waiting" and the next iteration job continues the round
        return outcome.Waiting is null ? result : new JobWaitingResult(result);
    }

    private static bool HasProperty(JsonElement p, string name) => p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out _);

    private static bool? OptionalBool(JsonElement p, string name)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new SeerException(ErrorCodes.InvalidInput, $"iteration job: parameter '{name}' must be true or false, not {v.ValueKind}", name),
        };
    }

    /// <summary>Each step event becomes a log line; finished and skipped steps move the progress bar.</summary>
    private sealed class EventLog(JobContext context, int total) : IProgress<IterationEvent>
    {
        private int _done;

        public void Report(IterationEvent value)
        {
            context.Log(value.ToString());
            if (value.Phase is "done" or "skipped" or "waiting") _done++;
            context.Report(new WorkProgress($"round {value.Round} {value.Step}", Math.Min(_done, total), total));
        }
    }
}
