using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.ActiveLearning.Mining;
using Seer.ActiveLearning.PoolModels;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Inference.Models;
using Seer.Mining;
using Seer.Mining.Pool;
using Seer.Training.Onnx;
using Seer.Training.Registry;

namespace Seer.Workflows.Operations;

/// <summary>
/// <c>mine</c> {model (registry id or .onnx), pool, strategy? (entropy), topk? (100), seed? (0), into? (POOL-mined),
/// threshold? (0.05), pre_annotate? (false)} → {dataset (the committed picks as NAME@VERSION), picked, considered,
/// top}: the same <see cref="PoolMiner"/> and <see cref="MinedVersions"/> as <c>seer mine</c> (images mined into the
/// same dataset before are excluded). The card lists the top images with their scores.
/// </summary>
public sealed class MineOperation : IFlowOperation
{
    public string Name => "mine";

    public async Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "model", "pool", "strategy", "topk", "seed", "into", "threshold", "pre_annotate");
        string model = context.RequireString(inputs, "model");
        using var workspace = Workspace.Open(context.Home);
        var snapshot = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "pool")));
        string into = context.OptionalString(inputs, "into") ?? snapshot.Name + "-mined";
        Workspace.ValidateDatasetName(into);
        string onnxPath = context.ModelOnnx(model);
        using var onnx = ModelOpener.Open(onnxPath);
        var poolModel = OnnxPoolModel.ForMining(onnx, (float)(context.OptionalNumber(inputs, "threshold") ?? 0.05));
        var options = new MiningOptions
        {
            Strategy = MiningOptions.ParseStrategy(context.OptionalString(inputs, "strategy") ?? "entropy"),
            TopK = (int)(context.OptionalNumber(inputs, "topk") ?? 100),
            Seed = (int)(context.OptionalNumber(inputs, "seed") ?? 0),
            Exclude = MinedVersions.AlreadyMined(workspace, into),
        };
        MiningResult result = await PoolMiner.MineAsync(snapshot, poolModel, options, context.Progress, cancellationToken).ConfigureAwait(false);
        bool preAnnotate = inputs["pre_annotate"]?.GetValueKind() == JsonValueKind.True;
        var pre = preAnnotate ? MinedVersions.PreAnnotate(snapshot, result, poolModel, cancellationToken) : null;
        var parameters = new Dictionary<string, object?>
        {
            ["model"] = model, ["pool"] = snapshot.ToString(), ["strategy"] = MiningOptions.StrategyName(options.Strategy),
            ["topk"] = options.TopK, ["seed"] = options.Seed, ["pre_annotated"] = preAnnotate, ["flow_run"] = context.RunId,
        };
        var commit = MinedVersions.Commit(workspace, snapshot, into, result, parameters, MinedVersions.LabelClasses(snapshot, poolModel.ClassNames), pre);
        context.Card.Table(["rank", "image", "score", "reason"],
            result.Items.Take(30).Select(i => (IReadOnlyList<object?>)[i.Rank, i.FileName, i.Score, i.Reason]), $"top images ({MiningOptions.StrategyName(options.Strategy)})");
        foreach (var item in result.Items.Take(8))
        {
            var image = snapshot.Images.FirstOrDefault(x => x.ContentHash == item.ContentHash);
            if (image is null) continue;
            using var s = snapshot.OpenImage(image);
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            string type = Path.GetExtension(image.FileName).ToLowerInvariant() switch { ".png" => "image/png", ".jpg" or ".jpeg" => "image/jpeg", _ => "" };
            if (type.Length > 0) context.Card.Image($"#{item.Rank} {image.FileName}: {item.Score:0.####}", ms.ToArray(), type);
        }
        return new JsonObject
        {
            ["dataset"] = $"{commit.Version.Dataset}@{commit.Version.Version}",
            ["picked"] = result.Items.Count,
            ["considered"] = result.Considered,
            ["top"] = new JsonArray(result.Items.Take(10).Select(i => (JsonNode)JsonValue.Create(i.FileName)).ToArray()),
        };
    }
}

/// <summary><c>export</c> {dataset, format, output} → {output, images, objects, lost}: a version written in a format (a
/// new folder), through the same exporter as <c>seer dataset export</c>.</summary>
public sealed class ExportOperation : IFlowOperation
{
    public string Name => "export";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "dataset", "format", "output");
        using var workspace = Workspace.Open(context.Home);
        var snapshot = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "dataset")));
        string format = context.RequireString(inputs, "format");
        string output = Path.GetFullPath(context.RequireString(inputs, "output"));
        var report = Seer.Formats.FormatRegistry.GetExporter(format).Write(snapshot, output, context.Progress);
        context.Card.Table(["dataset", "format", "images", "objects", "not representable"], [[snapshot.ToString(), format, report.Images, report.Objects, report.Lost.Count]], "export");
        return Task.FromResult(new JsonObject
        {
            ["output"] = output, ["images"] = report.Images, ["objects"] = report.Objects, ["lost"] = report.Lost.Count,
        });
    }
}
