using System.Text.Json.Nodes;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Training.Registry;

namespace Seer.ActiveLearning.Iterations;

/// <summary>
/// Runs a project's rounds: round 0 trains the initial model on the project's training version; every later round runs
/// prepare → mine → label → merge → train → evaluate. Each step is recorded before it starts and when it ends (one
/// committed SQLite write each), and a step that is done is never run again: a process killed mid-round resumes at the
/// first unfinished step (training itself continues from its last epoch checkpoint). Without an oracle the label step
/// writes a labelling task and the run stops, waiting for the labels to be imported.
/// </summary>
public sealed partial class IterationRunner
{
    private readonly Workspace _workspace;
    private readonly ProjectStore _store;
    private readonly FileModelRegistry _registry;

    public IterationRunner(Workspace workspace, ProjectStore store)
    {
        _workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _registry = new FileModelRegistry(workspace.Home);
    }

    /// <summary>
    /// Brings <paramref name="project"/> to round <paramref name="rounds"/> (round 0 = the initial model): finished rounds
    /// are kept, an unfinished one resumes with the settings it started with, new rounds use <paramref name="settings"/>.
    /// </summary>
    public Task<IterationOutcome> RunAsync(Project project, int rounds, IterationSettings settings,
        IProgress<IterationEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(settings);
        if (rounds < 0) throw new SeerException(ErrorCodes.InvalidOptions, $"--rounds must be >= 0 (was {rounds})");
        settings.Validate();
        return Task.Run(() => Run(project, rounds, settings, progress, cancellationToken), cancellationToken);
    }

    private IterationOutcome Run(Project project, int rounds, IterationSettings settings, IProgress<IterationEvent>? progress,
        CancellationToken cancellationToken)
    {
        for (int round = 0; round <= rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var history = _store.Iterations(project.Id);
            var record = history.FirstOrDefault(r => r.Round == round);
            if (record?.State == IterationRecord.Done) continue;
            if (record is null) _store.StartIteration(project.Id, round, settings.ToJson());
            else if (record.State == IterationRecord.Waiting) _store.SetIterationState(project.Id, round, IterationRecord.Running);
            var roundSettings = record is null ? settings : IterationSettings.FromJson(record.Settings);
            var previous = round == 0 ? null : history.FirstOrDefault(r => r.Round == round - 1 && r.State == IterationRecord.Done)
                ?? throw new SeerException(ErrorCodes.Conflict, $"round {round - 1} of project '{project.Name}' is not finished");
            var state = new RoundState(project, round, roundSettings, previous, history);
            foreach (string step in IterationStep.For(round))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var done = _store.Iterations(project.Id).First(r => r.Round == round).Step(step);
                if (done?.State == StepRecord.Done)
                {
                    state.Results[step] = done.Result ?? [];
                    progress?.Report(new IterationEvent(round, step, "skipped", "done before"));
                    continue;
                }
                _store.StartStep(project.Id, round, step);
                progress?.Report(new IterationEvent(round, step, "started"));
                var (stepState, result) = RunStep(step, state, done, progress, cancellationToken);
                _store.EndStep(project.Id, round, step, stepState, result);
                state.Results[step] = result;
                if (stepState == StepRecord.Waiting)
                {
                    _store.SetIterationState(project.Id, round, IterationRecord.Waiting);
                    var handoff = new LabellingHandoff(round, result["task_dir"]?.GetValue<string>(), result["tool"]!.GetValue<string>(),
                        result["import_into"]!.GetValue<string>(), result["images"]!.GetValue<int>(), result["task"]?.GetValue<long>());
                    progress?.Report(new IterationEvent(round, step, "waiting", handoff.Instructions(project.Name)));
                    return new IterationOutcome(IterationOutcome.WaitingForLabels, _store.Iterations(project.Id), handoff);
                }
                progress?.Report(new IterationEvent(round, step, "done", Summary(result)));
            }
            var evaluation = state.Results[IterationStep.Evaluate];
            _store.FinishIteration(project.Id, round, state.TrainVersion, state.Model!,
                evaluation["labelled"]!.GetValue<int>(), (JsonObject)evaluation["metrics"]!.DeepClone());
        }
        return new IterationOutcome(IterationOutcome.Done, _store.Iterations(project.Id), null);
    }

    private (string State, JsonObject Result) RunStep(string step, RoundState s, StepRecord? earlier, IProgress<IterationEvent>? progress,
        CancellationToken cancellationToken) => step switch
    {
        IterationStep.Prepare => (StepRecord.Done, Prepare(s)),
        IterationStep.Mine => (StepRecord.Done, Mine(s, cancellationToken)),
        IterationStep.Label => Label(s),
        IterationStep.Merge => (StepRecord.Done, Merge(s)),
        IterationStep.Train => (StepRecord.Done, Train(s, earlier, progress, cancellationToken)),
        IterationStep.Evaluate => (StepRecord.Done, Evaluate(s, cancellationToken)),
        _ => throw new SeerException(ErrorCodes.InvalidInput, $"unknown iteration step '{step}'"),
    };

    private static string? Summary(JsonObject result)
    {
        var parts = result.Where(p => p.Value is JsonValue).Select(p => $"{p.Key} {p.Value}").ToList();
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>Opens a version by its full id.</summary>
    private DatasetSnapshot OpenVersion(string versionId)
    {
        var info = _workspace.Metadata.GetVersion(versionId)
            ?? throw new SeerException(ErrorCodes.NotFound, $"version {versionId} does not exist in {_workspace.Home}", versionId);
        return _workspace.OpenSnapshot(new DatasetRef(info.Dataset, info.Version));
    }

    /// <summary>What a round knows while it runs: its settings, the previous round, and every step's result so far.</summary>
    private sealed class RoundState(Project project, int round, IterationSettings settings, IterationRecord? previous,
        IReadOnlyList<IterationRecord> history)
    {
        public Project Project { get; } = project;
        public int Round { get; } = round;
        public IterationSettings Settings { get; } = settings;
        public IterationRecord? Previous { get; } = previous;
        public IReadOnlyList<IterationRecord> History { get; } = history;
        public Dictionary<string, JsonObject> Results { get; } = new(StringComparer.Ordinal);

        public string Get(string step, string key) =>
            Results[step][key]?.GetValue<string>() ?? throw new SeerException(ErrorCodes.InvalidInput, $"step {step} recorded no '{key}'");

        /// <summary>The training version of this round: merged (rounds ≥ 1) or the project's initial one.</summary>
        public string TrainVersion => Results.ContainsKey(IterationStep.Merge) ? Get(IterationStep.Merge, "version") : Get(IterationStep.Prepare, "train_version");

        public string? Model => Results.TryGetValue(IterationStep.Train, out var t) ? t["model"]?.GetValue<string>() : null;
    }
}
