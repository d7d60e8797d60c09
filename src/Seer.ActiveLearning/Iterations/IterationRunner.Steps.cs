using System.Globalization;
using System.Text.Json.Nodes;
using Seer.ActiveLearning.Mining;
using Seer.ActiveLearning.PoolModels;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Mining;
using Seer.Mining.Pool;
using Seer.Training.Engine;
using Seer.Training.Onnx;
using Seer.Training.Options;
using Seer.Training.Registry;

namespace Seer.ActiveLearning.Iterations;

public sealed partial class IterationRunner
{
    /// <summary>prepare: the training version and model this round starts from, and how much of the pool is still unlabelled.</summary>
    private JsonObject Prepare(RoundState s)
    {
        string train = s.Previous?.TrainVersion ?? s.Project.TrainVersion;
        var result = new JsonObject { ["train_version"] = train, ["model"] = s.Previous?.Model };
        if (s.Round > 0)
        {
            var exclude = Excluded(s, train);
            var pool = OpenVersion(s.Project.PoolVersion);
            int remaining = pool.Images.Count(i => !i.IsLabelled && !exclude.Contains(i.ContentHash));
            if (remaining == 0)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"the pool {pool} of project '{s.Project.Name}' has no unlabelled image left to mine (round {s.Round})", pool.ToString());
            result["remaining"] = remaining;
        }
        return result;
    }

    /// <summary>Content hashes never to mine again: the training version's images and every earlier round's picks.</summary>
    private HashSet<string> Excluded(RoundState s, string trainVersion)
    {
        var exclude = new HashSet<string>(OpenVersion(trainVersion).Images.Select(i => i.ContentHash), StringComparer.Ordinal);
        foreach (var r in s.History.Where(r => r.Round < s.Round))
            if (r.Step(IterationStep.Mine)?.Get("version") is { } mined)
                foreach (var image in _workspace.Metadata.ReadImages(mined)) exclude.Add(image.ContentHash);
        return exclude;
    }

    /// <summary>mine: the previous round's model (its ONNX export) over the unlabelled rest of the pool; the top k become a version of PROJECT-mined.</summary>
    private JsonObject Mine(RoundState s, CancellationToken cancellationToken)
    {
        string model = s.Get(IterationStep.Prepare, "model");
        var pool = OpenVersion(s.Project.PoolVersion);
        var exclude = Excluded(s, s.Get(IterationStep.Prepare, "train_version"));
        string onnx = RegistryOnnxExport.ExportCached(_registry, model);
        using var opened = ModelOpener.Open(onnx);
        var poolModel = OnnxPoolModel.ForMining(opened, s.Settings.DetectionScoreThreshold);
        // Core-set: the images already in the training version are k-center's existing centres.
        bool coreSet = s.Settings.Strategy is MiningStrategy.Diversity or MiningStrategy.Combined;
        var options = new MiningOptions
        {
            Strategy = s.Settings.Strategy,
            TopK = s.Settings.TopK,
            Seed = unchecked(s.Settings.Seed * 1000 + s.Round),
            Exclude = exclude,
            Aggregation = s.Settings.Aggregation,
            LabelledFeatures = coreSet
                ? PoolMiner.Features(OpenVersion(s.Get(IterationStep.Prepare, "train_version")), poolModel, cancellationToken)
                : [],
        };
        var mined = PoolMiner.MineAsync(pool, poolModel, options, null, cancellationToken).GetAwaiter().GetResult();
        var parameters = new Dictionary<string, object?>
        {
            ["project"] = s.Project.Name, ["round"] = s.Round, ["model"] = model,
            ["strategy"] = MiningOptions.StrategyName(options.Strategy), ["topk"] = options.TopK, ["seed"] = options.Seed,
            ["aggregate"] = MiningOptions.AggregationName(options.Aggregation),
        };
        var commit = MinedVersions.Commit(_workspace, pool, s.Project.MinedDataset, mined, parameters, s.Project.Classes);
        var result = new JsonObject
        {
            ["version"] = commit.Version.Version,
            ["picked"] = mined.Items.Count,
            ["considered"] = mined.Considered,
            ["strategy"] = MiningOptions.StrategyName(options.Strategy),
            ["mean_score"] = Math.Round(mined.Items.Average(i => i.Score), 6),
        };
        if (coreSet) result["centres"] = options.LabelledFeatures.Count; // training images k-center started from
        return result;
    }

    /// <summary>train: fine-tunes the previous model on this round's training version (or from scratch); resumes an interrupted job.</summary>
    private JsonObject Train(RoundState s, StepRecord? earlier, IProgress<IterationEvent>? progress, CancellationToken cancellationToken)
    {
        var train = OpenVersion(s.TrainVersion);
        var val = OpenVersion(s.Project.ValVersion);
        var options = TrainingOptionsLoader.WithTaskDefaults(s.Settings.Training with { Task = s.Project.Task });
        string? parent = s.Round == 0 || s.Settings.FromScratch ? null : s.Get(IterationStep.Prepare, "model");
        // A job this step started before a kill: same training version, still "training"; its checkpoints continue it.
        string trainRef = $"{train.Name}@{train.Version}";
        string? resume = earlier is null ? null : _registry.List()
            .Where(m => m.Status == "training" && m.TrainDataset == trainRef && m.Parent == parent && m.CreatedAt >= earlier.StartedAt.AddSeconds(-1))
            .Select(m => m.Id).FirstOrDefault();
        // The same computation done before (same training and validation versions, parent and settings, e.g. round 0
        // of projects that share their initial set): its model is reused, as training is seeded and deterministic.
        string valRef = $"{val.Name}@{val.Version}", optionsJson = TrainingOptionsLoader.ToJson(options);
        if (resume is null && _registry.List().FirstOrDefault(m => m.Status == "ready" && m.TrainDataset == trainRef && m.ValDataset == valRef
                && m.Parent == parent && TrainingOptionsLoader.ToJson(m.Parameters) == optionsJson) is { } same)
        {
            return new JsonObject
            {
                ["model"] = same.Id, ["parent"] = parent, ["reused"] = true,
                ["val_" + same.PrimaryMetric] = Math.Round(same.PrimaryValue, 6), ["seconds"] = 0.0,
            };
        }
        var request = new TrainingJobRequest(train, val, [new ParameterSet(options, $"project {s.Project.Name} round {s.Round}")])
        {
            Parent = parent,
            ResumeModel = resume,
        };
        var relay = progress is null ? null : new EpochRelay(p => progress.Report(new IterationEvent(s.Round, IterationStep.Train, "progress", p)));
        ModelRecord record = new TrainingJob(_registry).Run(request, relay, cancellationToken);
        if (record.Status != "ready")
            throw new SeerException(ErrorCodes.Conflict, $"training of round {s.Round} stopped before the end (model {record.Id})");
        return new JsonObject
        {
            ["model"] = record.Id,
            ["parent"] = parent,
            ["resumed"] = resume,
            ["val_" + record.PrimaryMetric] = Math.Round(record.PrimaryValue, 6),
            ["seconds"] = Math.Round(record.TrainingSeconds, 1),
        };
    }

    /// <summary>evaluate: the new model on the test version (the validation version when the project has none).</summary>
    private JsonObject Evaluate(RoundState s, CancellationToken cancellationToken)
    {
        string model = s.Model ?? throw new SeerException(ErrorCodes.InvalidInput, $"round {s.Round} has no trained model to evaluate");
        var data = OpenVersion(s.Project.TestVersion ?? s.Project.ValVersion);
        var metrics = ModelEvaluation.Evaluate(_registry, model, data, null, null, cancellationToken);
        var scalars = new JsonObject();
        foreach (var (key, value) in metrics)
            if (value is double or float or int or long)
                scalars[key] = Math.Round(Convert.ToDouble(value, CultureInfo.InvariantCulture), 6);
        int labelled = OpenVersion(s.TrainVersion).Images.Count(i => i.IsLabelled);
        return new JsonObject
        {
            ["dataset"] = data.ToString(),
            ["labelled"] = labelled,
            ["metrics"] = scalars,
        };
    }

    private sealed class EpochRelay(Action<string> report) : IProgress<Seer.Core.Progress.WorkProgress>
    {
        private string? _last;

        public void Report(Seer.Core.Progress.WorkProgress value)
        {
            // one line per finished epoch (the trainer reports done == total at the end of an epoch)
            if (value.Total is { } total && value.Done == total && value.Stage != _last)
            {
                _last = value.Stage;
                report($"{value.Stage} {value.Message}");
            }
        }
    }
}
