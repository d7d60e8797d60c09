using System.Diagnostics;
using System.Reflection;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Imaging.Preprocess;
using Seer.Training.Options;
using Seer.Training.Registry;

namespace Seer.Training.Engine;

/// <summary>
/// Runs a training job into the model registry: reserves the model, trains every parameter set in its own run folder
/// under the model's checkpoints/ (each resumable), keeps the set with the best validation metric, copies its best
/// weights to weights.bin and writes model.json (status ready) with metrics, curves, candidates and code version.
/// </summary>
public sealed class TrainingJob
{
    private readonly IModelRegistry registry;

    public TrainingJob(IModelRegistry registry) => this.registry = registry;

    public static string CodeVersion =>
        typeof(TrainingJob).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(TrainingJob).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// Which parameter set wins a sweep: the highest primary validation metric, the earliest set on a tie. One rule
    /// for <c>seer train --params</c> with several sets and for sweeps run as separate jobs on a cluster (bench/SweepBench).
    /// </summary>
    public static int PickBest(IReadOnlyList<double> primaryValues)
    {
        ArgumentNullException.ThrowIfNull(primaryValues);
        if (primaryValues.Count == 0) throw new ArgumentException("a sweep needs at least one result", nameof(primaryValues));
        return Enumerable.Range(0, primaryValues.Count).OrderByDescending(i => primaryValues[i]).ThenBy(i => i).First();
    }

    public ModelRecord Run(TrainingJobRequest request, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ParameterSets.Count == 0) throw new SeerException(ErrorCodes.InvalidOptions, "a training job needs at least one parameter set");
        var sets = request.ParameterSets.Select(s => s with { Options = TrainingOptionsLoader.WithTaskDefaults(s.Options) }).ToList();
        foreach (var s in sets) TrainingOptionsValidator.Validate(s.Options);
        string task = sets[0].Options.Task;
        if (sets.Any(s => s.Options.Task != task))
            throw new SeerException(ErrorCodes.InvalidOptions, "all parameter sets of a job must have the same task");
        TrainingTask taskInfo = TaskRegistry.Get(task);
        TrainingDataCheck.Check(task, request.Train, "training");
        TrainingDataCheck.Check(task, request.Val, "validation");

        InitialWeights? init = null;
        if (request.Parent is { } parentId)
        {
            ModelRecord parent = registry.Get(parentId);
            if (parent.Task != task)
                throw new SeerException(ErrorCodes.InvalidOptions, $"parent model {parent.Id} is a {parent.Task} model; this job trains {task}");
            init = new InitialWeights(registry.WeightsPath(parent), parent.Classes.Count, parent.Architecture, parent.Parameters.Width, parent.ImageSize);
        }

        string id = request.ResumeModel is { } resume ? registry.Get(resume).Id : registry.Create();
        // Held while this process trains: a record left "training" by a process that is gone reads as "interrupted".
        using var running = TrainingLock.Acquire(registry.Folder(id), id);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> classes = request.Train.Classes;
        ModelRecord Record(ParameterSet chosen) => new()
        {
            Id = id,
            Task = task,
            Architecture = chosen.Options.Architecture,
            Classes = classes,
            ImageSize = chosen.Options.ImageSize,
            NormalizationMean = Normalization.ImageNet.Mean,
            NormalizationStd = Normalization.ImageNet.Std,
            TrainDataset = $"{request.Train.Name}@{request.Train.Version}",
            ValDataset = $"{request.Val.Name}@{request.Val.Version}",
            Parameters = chosen.Options,
            PrimaryMetric = taskInfo.PrimaryMetric,
            CodeVersion = CodeVersion,
            Parent = request.Parent is null ? null : registry.Get(request.Parent).Id,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        if (request.ResumeModel is null) registry.Save(Record(sets[0]));

        var results = new List<(ParameterSet Set, TrainingRunResult Result)>();
        for (int i = 0; i < sets.Count; i++)
        {
            TrainerBase trainer = taskInfo.CreateTrainer(sets[i].Options, classes);
            string runDir = Path.Combine(registry.Folder(id), "checkpoints", $"set-{i + 1}");
            int index = i;
            var setProgress = progress is null ? null : new Relay(p => progress.Report(p with { Stage = sets.Count > 1 ? $"set {index + 1}/{sets.Count} {p.Stage}" : p.Stage }));
            var result = trainer.Run(new TrainingRunContext(request.Train, request.Val, runDir)
            {
                Init = init, Progress = setProgress, StopAfterEpochs = request.StopAfterEpochs, PretrainedDirectory = request.PretrainedDirectory,
            }, cancellationToken);
            results.Add((sets[i], result));
            if (result.Completed) WriteRecipe(Path.Combine(runDir, "recipe.json"), sets[i], result);
        }

        if (results.Any(r => !r.Result.Completed))
            return registry.Get(id); // interrupted: checkpoints hold the progress; resume with the same id

        var best = results[PickBest(results.Select(r => r.Result.PrimaryValue).ToList())];
        string weights = Path.Combine(registry.Folder(id), "weights.bin");
        File.Copy(best.Result.BestWeightsPath, weights + ".tmp", overwrite: true);
        File.Move(weights + ".tmp", weights, overwrite: true);
        // the resolved recipe: a time budget's planned epochs replace the upper bound
        var chosen = best.Set.Options.TimeMinutes > 0 ? best.Set with { Options = best.Set.Options with { Epochs = best.Result.PlannedEpochs } } : best.Set;
        ModelRecord record = Record(chosen) with
        {
            Status = "ready",
            Metrics = best.Result.Metrics,
            PrimaryValue = best.Result.PrimaryValue,
            BestEpoch = best.Result.BestEpoch,
            Curves = best.Result.Curves,
            Candidates = results.Select((r, i) => new CandidateRecord(i + 1, r.Set.Source, r.Result.PrimaryValue, r.Result.BestEpoch, r.Result.EpochsRun, r.Set.Options)).ToList(),
            TrainingSeconds = clock.Elapsed.TotalSeconds,
        };
        registry.Save(record);
        return record;
    }

    /// <summary>recipe.json: the resolved settings, the advisor's choices with reasons, planned epochs and wall time.</summary>
    private static void WriteRecipe(string path, ParameterSet set, TrainingRunResult result)
    {
        var recipe = new Dictionary<string, object?>
        {
            ["choices"] = set.Choices.Select(c => new Dictionary<string, string> { ["setting"] = c.Setting, ["value"] = c.Value, ["reason"] = c.Reason }),
            ["planned_epochs"] = result.PlannedEpochs,
            ["epochs_run"] = result.EpochsRun,
            ["best_epoch"] = result.BestEpoch,
            ["wall_seconds"] = result.WallSeconds,
            ["options"] = set.Options,
        };
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(recipe, TrainingOptionsLoader.Json));
    }

    private sealed class Relay(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
