using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.ActiveLearning.Iterations;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Data;
using Seer.Hosting.Access;
using Seer.Hosting.Accounts;
using Seer.Hosting.Projects;
using Seer.Mining;
using Seer.Training.Options;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "iteration" (<see cref="IterationParameters"/>): {"project", "round" (bring the project to this round; round 0 =
/// the initial model), "strategy", "topk", "oracle" (a labelled copy of the pool NAME[@VERSION]; without it the picks
/// are written as a labelling task and the job ends waiting for labels), "tool" (cvat|labelstudio|seer), "assignees" and "reviewer" (tool seer), "seed",
/// "from_scratch", "aggregate" (detectors: max|mean|sum), and any training setting in snake_case ("epochs",
/// "image_size", "weight_decay", ...); unset ones keep the latest round's settings} runs Seer.ActiveLearning's
/// <see cref="IterationRunner"/> with the job's
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
    private readonly ResourceAccess _resources;

    public IterationJobHandler(Workspace workspace, ProjectStore projects, IJobQueue queue, AccountStore accounts, ResourceAccess resources)
    {
        _workspace = workspace;
        _projects = projects;
        _queue = queue;
        _accounts = accounts;
        _resources = resources;
    }

    public string Kind => "iteration";

    public bool Resumable => true;

    public int DefaultCpuThreads => Math.Max(1, Math.Min(4, Environment.ProcessorCount));

    public void Validate(JsonElement parameters) => Validate(parameters, null);

    /// <summary>Also refuses (forbidden) a project the submitting user may not work on.</summary>
    public void Validate(JsonElement parameters, string? user)
    {
        var (p, _) = JobParameters.ParseWithTraining<IterationParameters>(parameters, Kind);
        var project = _projects.Get(p.Project);
        if (user is not null) ProjectAccess.Demand(project, user, _accounts.Find(user)?.Role == UserRole.Admin);
        var settings = Settings(parameters, project, 1, []);
        if (settings.Oracle is { } oracle) _workspace.Resolve(JobParameters.Named(Kind, "oracle", () => DatasetRef.Parse(oracle)));
        settings.Validate();
        var active = _queue.List(JobState.Queued).Concat(_queue.List(JobState.Running))
            .FirstOrDefault(j => j.Kind == Kind && j.Parameters.TryGetProperty("project", out var name) && name.ValueKind == JsonValueKind.String
                                 && name.GetString() == project.Name);
        if (active is not null)
            throw new SeerException(ErrorCodes.Conflict, $"iteration job {active.Id} of project '{project.Name}' is {active.State.ToString().ToLowerInvariant()}; wait for it or cancel it", project.Name);
    }

    /// <summary>
    /// The settings of new rounds: the job's parameters over the settings of the project's latest round (so a round
    /// fine-tunes its parent with the same network unless told otherwise), else over the defaults; training settings
    /// go through <see cref="TrainingOptionsLoader"/> (every TrainingOptions key, snake_case). A resumed round keeps
    /// the settings it started with. The job's threads and GPU slot (cuda:N) set the training threads and device.
    /// </summary>
    public IterationSettings Settings(JsonElement parameters, Project project, int threads, IReadOnlyList<int> gpus)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(gpus);
        var (p, overrides) = JobParameters.ParseWithTraining<IterationParameters>(parameters, Kind);
        JobParameters.Range(Kind, "round", p.Round, 0, 1000);
        JobParameters.Range(Kind, "topk", p.Topk, 1, 1_000_000);
        JobParameters.Range(Kind, "seed", p.Seed, 0, int.MaxValue);
        var latest = _projects.Iterations(project.Id).LastOrDefault();
        var previous = latest is null ? new IterationSettings() : IterationSettings.FromJson(latest.Settings);
        var source = SettingsSource.Job(Kind);
        var training = TrainingOptionsLoader.Apply(previous.Training, overrides, source) with
        {
            Task = project.Task,
            Seed = p.Seed ?? previous.Training.Seed,
            Threads = threads,
            Device = gpus.Count > 0 ? $"cuda:{gpus[0]}" : "cpu",
        };
        if (overrides.ContainsKey("task") && !string.Equals(overrides["task"]?.ToString(), project.Task, StringComparison.Ordinal))
            throw new SeerException(ErrorCodes.InvalidInput, $"iteration job: parameter 'task' must be the project's task ({project.Task})", "task");
        TrainingOptionsValidator.Validate(TrainingOptionsLoader.WithTaskDefaults(training), source);
        string tool = (p.Tool ?? previous.Tool).Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal);
        if (tool is not ("cvat" or "labelstudio" or "seer"))
            throw new SeerException(ErrorCodes.InvalidInput, $"iteration job: parameter 'tool' must be cvat, labelstudio or seer (was '{p.Tool}')", "tool");
        return previous with
        {
            Strategy = p.Strategy is { } strategy ? JobParameters.Named(Kind, "strategy", () => MiningOptions.ParseStrategy(strategy)) : previous.Strategy,
            TopK = p.Topk ?? previous.TopK,
            // given as null or "": no oracle (labels by hand-off); not given: the latest round's
            Oracle = parameters.TryGetProperty("oracle", out _) ? p.Oracle is { Length: > 0 } o ? o : null : previous.Oracle,
            Tool = tool,
            Assignees = p.Assignees is { } who ? who.ToList() : previous.Assignees,
            // given as null or "": no reviewer; not given: the latest round's
            Reviewer = parameters.TryGetProperty("reviewer", out _) ? p.Reviewer is { Length: > 0 } r ? r : null : previous.Reviewer,
            Seed = p.Seed ?? previous.Seed,
            FromScratch = p.FromScratch ?? previous.FromScratch,
            Aggregation = p.Aggregate is { } aggregate
                ? JobParameters.Named(Kind, "aggregate", () => MiningOptions.ParseAggregation(aggregate, "aggregate")) : previous.Aggregation,
            Training = training,
        };
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var (p, _) = JobParameters.ParseWithTraining<IterationParameters>(context.Parameters, Kind);
        var project = _projects.Get(p.Project);
        string by = context.Job.CreatedBy;
        ProjectAccess.Demand(project, by, _accounts.Find(by)?.Role == UserRole.Admin);
        int round = p.Round;
        var settings = Settings(context.Parameters, project, context.CpuThreads, context.Gpus);
        int total = Enumerable.Range(0, round + 1).Sum(r => IterationStep.For(r).Count);
        var events = new EventLog(context, total);
        context.Log($"project {project.Name} ({project.Task}): bringing it to round {round} with {MiningOptions.StrategyName(settings.Strategy)}, top {settings.TopK}, " +
                    (settings.Oracle is { } o ? $"oracle {o}" : $"labels from {settings.Tool}"));
        IterationOutcome outcome;
        try
        {
            outcome = await new IterationRunner(_workspace, _projects).RunAsync(project, round, settings, events, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ClaimOutputs(project, by);
        }
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

    /// <summary>
    /// What the project's rounds make — the models they train and the datasets they commit (NAME-train, NAME-mined,
    /// NAME-labels-rN) — belongs to the project's owner (private to them, like the project); a project without an owner
    /// is everyone's, so its outputs are claimed by the submitting user and shared. Run also when the job fails or is
    /// cancelled: a round's model exists from the moment it is trained. A thing that already has an owner keeps it.
    /// </summary>
    private void ClaimOutputs(Project project, string submittedBy)
    {
        string owner = project.Owner ?? submittedBy;
        bool shared = project.Owner is null;
        var rounds = _projects.Iterations(project.Id);
        foreach (var model in rounds.Select(i => i.Model).OfType<string>().Distinct(StringComparer.Ordinal))
            _resources.Claim(ResourceKinds.Model, model, owner, shared);
        foreach (var dataset in new[] { project.TrainDataset, project.MinedDataset }.Concat(rounds.Select(r => project.LabelsDataset(r.Round))))
            if (_workspace.Metadata.FindHead(dataset) is not null) _resources.Claim(ResourceKinds.Dataset, dataset, owner, shared);
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
