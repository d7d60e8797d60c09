using System.Text.Json;
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
/// kind "mining": {"model" (a served model), "pool" (NAME[@VERSION]), "strategy" (default entropy), "topk",
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
        var pool = _workspace.Resolve(DatasetRef.Parse(JobParameters.RequiredString(parameters, "pool", Kind)));
        _models.Get(JobParameters.RequiredString(parameters, "model", Kind));
        MiningOptions.ParseStrategy(JobParameters.OptionalString(parameters, "strategy", Kind) ?? "entropy");
        if (JobParameters.OptionalInt(parameters, "topk", Kind, 1, 1_000_000) is null)
            throw new SeerException(ErrorCodes.InvalidInput, "mining job: parameter 'topk' is required (how many images to pick)", "topk");
        Workspace.ValidateDatasetName(JobParameters.OptionalString(parameters, "into", Kind) ?? pool.Dataset + "-mined");
        if (JobParameters.OptionalNumber(parameters, "threshold", Kind) is { } t && (t < 0 || t > 1))
            throw new SeerException(ErrorCodes.InvalidInput, $"mining job: threshold {t} is outside 0..1", "threshold");
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var p = context.Parameters;
        var pool = _workspace.OpenSnapshot(DatasetRef.Parse(JobParameters.RequiredString(p, "pool", Kind)));
        string modelName = JobParameters.RequiredString(p, "model", Kind);
        string into = JobParameters.OptionalString(p, "into", Kind) ?? pool.Name + "-mined";
        var strategy = MiningOptions.ParseStrategy(JobParameters.OptionalString(p, "strategy", Kind) ?? "entropy");
        using var onnx = _models.Get(modelName).Load(context.CpuThreads);
        var model = OnnxPoolModel.ForMining(onnx, (float)(JobParameters.OptionalNumber(p, "threshold", Kind) ?? 0.1));
        var excluded = AlreadyMined(into);
        var options = new MiningOptions
        {
            Strategy = strategy,
            TopK = JobParameters.OptionalInt(p, "topk", Kind, 1, 1_000_000)!.Value,
            Seed = JobParameters.OptionalInt(p, "seed", Kind, 0, int.MaxValue) ?? 0,
            Exclude = excluded,
            Aggregation = MiningOptions.ParseAggregation(JobParameters.OptionalString(p, "aggregate", Kind) ?? "max"),
        };
        context.Log($"mining {pool} ({pool.Images.Count} images, {excluded.Count} picked before) with {modelName}, strategy {MiningOptions.StrategyName(strategy)}, top {options.TopK}");
        var result = await PoolMiner.MineAsync(pool, model, options, context, cancellationToken).ConfigureAwait(false);
        if (result.Items.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"nothing to mine in {pool}: every image is labelled, excluded or already picked", pool.ToString());
        var byHash = pool.Images.GroupBy(i => i.ContentHash, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var images = result.Items.Select(item => byHash[item.ContentHash] with { IsLabelled = false }).ToList();
        var parents = new List<string> { pool.Version };
        if (_workspace.Metadata.FindHead(into) is { } head && head != pool.Version) parents.Add(head);
        var commit = _workspace.CommitVersion(into, images, parents, "mine",
            new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["model"] = modelName, ["pool"] = pool.ToString(), ["strategy"] = MiningOptions.StrategyName(strategy), ["topk"] = options.TopK, ["seed"] = options.Seed,
                ["aggregate"] = MiningOptions.AggregationName(options.Aggregation),
            },
            pool.Classes.Count > 0 ? pool.Classes : model.ClassNames);
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

    private HashSet<string> AlreadyMined(string dataset)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        if (_workspace.Metadata.FindHead(dataset) is null) return hashes;
        foreach (var v in _workspace.Log(new DatasetRef(dataset, null)).Where(v => v.Dataset == dataset))
            foreach (var image in _workspace.Metadata.ReadImages(v.Version)) hashes.Add(image.ContentHash);
        return hashes;
    }
}
