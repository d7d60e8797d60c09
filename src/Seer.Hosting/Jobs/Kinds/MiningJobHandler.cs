using System.Text.Json;
using Seer.ActiveLearning.Mining;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.ActiveLearning.PoolModels;
using Seer.Hosting.Models;
using Seer.Inference;
using Seer.Mining;
using Seer.Mining.Pool;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>
/// kind "mining" (<see cref="MiningParameters"/>): {"model" (a served model), "pool" (NAME[@VERSION]), "strategy" (default entropy), "topk",
/// "into" (default POOL-mined), "threshold" (detector score kept while mining, default 0.1), "seed"} ranks the pool's
/// unlabelled images with Seer.Mining and commits the top k (in rank order, unlabelled) as a new version of "into",
/// whose parents are the pool version and the previous picks; earlier picks are never picked again. Resumable: a
/// run that did not commit left nothing behind, and committing the same picks again keeps the same version.
/// </summary>
public sealed class MiningJobHandler : IJobHandler
{
    private readonly Workspace _workspace;
    private readonly ModelCatalog _models;

    public MiningJobHandler(Workspace workspace, ModelCatalog models)
    {
        _workspace = workspace;
        _models = models;
    }

    public string Kind => "mining";

    public bool Resumable => true;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
        var p = Parse(parameters);
        var pool = _workspace.Resolve(JobParameters.Named(Kind, "pool", () => DatasetRef.Parse(p.Pool)));
        _models.Get(p.Model);
        JobParameters.Named(Kind, "into", () => { Workspace.ValidateDatasetName(p.Into ?? pool.Dataset + "-mined"); return 0; });
    }

    private MiningParameters Parse(JsonElement parameters)
    {
        var p = JobParameters.Parse<MiningParameters>(parameters, Kind);
        JobParameters.Range(Kind, "topk", p.Topk, 1, 1_000_000);
        JobParameters.Range(Kind, "threshold", p.Threshold, 0, 1);
        JobParameters.Range(Kind, "seed", p.Seed, 0, int.MaxValue);
        JobParameters.Named(Kind, "strategy", () => MiningOptions.ParseStrategy(p.Strategy));
        JobParameters.Named(Kind, "aggregate", () => MiningOptions.ParseAggregation(p.Aggregate, "aggregate"));
        return p;
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = Parse(context.Parameters);
        var pool = _workspace.OpenSnapshot(DatasetRef.Parse(p.Pool));
        string modelName = p.Model;
        string into = p.Into ?? pool.Name + "-mined";
        var strategy = MiningOptions.ParseStrategy(p.Strategy);
        using var onnx = _models.Get(modelName).Load(context.CpuThreads);
        var model = OnnxPoolModel.ForMining(onnx, (float)p.Threshold);
        var excluded = MinedVersions.AlreadyMined(_workspace, into);
        var options = new MiningOptions
        {
            Strategy = strategy,
            TopK = p.Topk,
            Seed = p.Seed,
            Exclude = excluded,
            Aggregation = MiningOptions.ParseAggregation(p.Aggregate, "aggregate"),
        };
        context.Log($"mining {pool} ({pool.Images.Count} images, {excluded.Count} picked before) with {modelName}, strategy {MiningOptions.StrategyName(strategy)}, top {options.TopK}");
        var result = await PoolMiner.MineAsync(pool, model, options, context, cancellationToken).ConfigureAwait(false);
        var pre = p.PreAnnotate ? MinedVersions.PreAnnotate(pool, result, model, cancellationToken) : null;
        var commit = MinedVersions.Commit(_workspace, pool, into, result,
            new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["model"] = modelName, ["pool"] = pool.ToString(), ["strategy"] = MiningOptions.StrategyName(strategy), ["topk"] = options.TopK, ["seed"] = options.Seed,
                ["aggregate"] = MiningOptions.AggregationName(options.Aggregation), ["pre_annotated"] = pre is not null,
            },
            MinedVersions.LabelClasses(pool, model.ClassNames), pre);
        context.Log($"{into}@{commit.Version.Version}: picked {result.Items.Count} of {result.Considered} ({result.Excluded} excluded, {result.DuplicatesSkipped} near-duplicates skipped)");
        var classes = model.ClassNames;
        return new
        {
            Dataset = into, commit.Version.Version, commit.Created, Pool = pool.ToString(), Strategy = MiningOptions.StrategyName(strategy),
            result.Considered, result.Excluded, result.DuplicatesSkipped,
            Items = result.Items.Select(i => new
            {
                i.Rank, ImageId = i.ContentHash, i.FileName, Score = Math.Round(i.Score, 6), i.Reason,
                Predicted = i.PredictedClasses.Select(c => c < classes.Count ? classes[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            }).ToList(),
        };
    }
}
