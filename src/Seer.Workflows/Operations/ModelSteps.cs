using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Training.Engine;
using Seer.Training.Onnx;
using Seer.Training.Options;
using Seer.Training.Registry;

namespace Seer.Workflows.Operations;

/// <summary>
/// <c>train</c> {task, train, val, settings?: {camelCase training settings, as in a params file}} → {model,
/// primary_metric, value, best_epoch, metrics}: the same <see cref="TrainingJob"/> and settings loader as
/// <c>seer train --params</c>. The card shows the loss and validation-metric curves and the metrics.
/// </summary>
public sealed class TrainOperation : IFlowOperation
{
    public string Name => "train";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "task", "train", "val", "settings");
        string task = context.RequireString(inputs, "task");
        var options = new TrainingOptions() with { Task = task };
        if (inputs["settings"] is JsonObject settings)
            options = TrainingOptionsLoader.Apply(options, settings.ToJsonString(), $"step '{context.Key}' settings");
        else if (inputs["settings"] is not null)
            throw context.Invalid("settings must be an object of training settings");
        options = options with { Task = task };
        using var workspace = Workspace.Open(context.Home);
        DatasetSnapshot train = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "train")));
        DatasetSnapshot val = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "val")));
        var registry = context.Registry();
        var request = new TrainingJobRequest(train, val, [new ParameterSet(options, context.Key)]);
        ModelRecord record = new TrainingJob(registry).Run(request, context.Progress, cancellationToken);
        context.Registered(record.Id);

        var curves = record.Curves;
        context.Card.LineChart("loss and validation metric per epoch", curves.Select(c => (double)c.Epoch).ToList(),
        [
            ("loss", curves.Select(c => (double?)c.Loss).ToList()),
            (record.PrimaryMetric, curves.Select(c => c.ValMetric).ToList()),
        ]);
        var metrics = JsonSerializer.SerializeToNode(record.Metrics) as JsonObject ?? [];
        return Task.FromResult(new JsonObject
        {
            ["model"] = record.Id,
            ["primary_metric"] = record.PrimaryMetric,
            ["value"] = record.PrimaryValue,
            ["best_epoch"] = record.BestEpoch,
            ["metrics"] = ScalarMetrics(metrics),
        });
    }

    /// <summary>The numeric top-level metrics only (per-class tables stay in the registry and the card).</summary>
    internal static JsonObject ScalarMetrics(JsonObject metrics)
    {
        var o = new JsonObject();
        foreach (var (k, v) in metrics)
            if (v is JsonValue jv && jv.GetValueKind() is JsonValueKind.Number or JsonValueKind.String) o[k] = jv.DeepClone();
        return o;
    }
}

/// <summary><c>evaluate</c> {model, dataset} → the task's evaluation keys (top1, AP, ...), through the same
/// <see cref="ModelEvaluation"/> as <c>seer model eval</c>. The card holds the metrics, the per-class table and, for
/// classifiers, the confusion matrix.</summary>
public sealed class EvaluateOperation : IFlowOperation
{
    public string Name => "evaluate";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "model", "dataset");
        using var workspace = Workspace.Open(context.Home);
        DatasetSnapshot data = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "dataset")));
        string model = context.RequireString(inputs, "model");
        var registry = context.Registry(model);
        Dictionary<string, object> metrics;
        if (registry.Get(model).External is not null)
        {
            // an external model (e.g. a YMIR executor's stage) runs through its ONNX file
            using var onnx = ModelOpener.Open(RegistryOnnxExport.ExportCached(registry, model));
            metrics = Seer.Inference.Evaluation.OnnxEvaluation.Evaluate(onnx, data, context.Progress, cancellationToken);
        }
        else metrics = ModelEvaluation.Evaluate(registry, model, data, null, context.Progress, cancellationToken);
        var node = JsonSerializer.SerializeToNode(metrics) as JsonObject ?? [];
        if (node["per_class"] is JsonObject perClass)
        {
            var columns = perClass.Select(kv => kv.Value as JsonObject).FirstOrDefault(v => v is not null)?.Select(kv => kv.Key).ToList() ?? [];
            context.Card.Table(["class", .. columns], perClass.Select(kv => (IReadOnlyList<object?>)
                [kv.Key, .. columns.Select(c => (object?)(Seer.Workflows.Definition.FlowExpressions.TryNumber((kv.Value as JsonObject)?[c], out double d) ? d : (kv.Value as JsonObject)?[c]?.ToJsonString()))]),
                "per class");
        }
        if (node["confusion_matrix"] is JsonArray cm && cm.Count > 0)
        {
            var rows = cm.Select(r => (IReadOnlyList<double>)((r as JsonArray)?.Select(x => Seer.Workflows.Definition.FlowExpressions.TryNumber(x, out double d) ? d : 0).ToList() ?? [])).ToList();
            context.Card.Matrix("confusion matrix (rows: truth, columns: predicted)", data.Classes, data.Classes, rows);
        }
        var result = TrainOperation.ScalarMetrics(node);
        return Task.FromResult(result);
    }
}

/// <summary><c>predict</c> {model, dataset, threshold?: 0.25, limit?} → {predictions (COCO results file under the
/// run), images, detections}: the model's ONNX export through the same <see cref="Predictor"/> as
/// <c>seer predict</c>. The card shows the first images with their boxes drawn.</summary>
public sealed class PredictOperation : IFlowOperation
{
    public string Name => "predict";

    public Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "model", "dataset", "threshold", "limit");
        string model = context.RequireString(inputs, "model");
        using var workspace = Workspace.Open(context.Home);
        DatasetSnapshot data = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "dataset")));
        using var onnx = ModelOpener.Open(context.ModelOnnx(model));
        var predictor = new Predictor(onnx, new PredictorOptions { ScoreThreshold = (float)(context.OptionalNumber(inputs, "threshold") ?? 0.25) });
        int limit = (int)(context.OptionalNumber(inputs, "limit") ?? int.MaxValue);
        var images = data.Images.Take(limit).ToList();
        IEnumerable<EncodedImage> Encoded()
        {
            foreach (var image in images)
            {
                using var s = data.OpenImage(image);
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                yield return new EncodedImage(image.FileName, ms.ToArray());
            }
        }
        var predictions = predictor.PredictStream(Encoded(), cancellationToken).ToList();
        string file = context.ArtifactPath("predictions.json");
        File.WriteAllText(file, JsonSerializer.Serialize(CocoResults.From(predictions)));
        int shown = 0;
        for (int i = 0; i < predictions.Count && shown < 8; i++, shown++)
        {
            using var s = data.OpenImage(images[i]);
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            string drawn = context.ArtifactPath($"shown-{i}.jpg");
            BoxPainter.DrawTo(new EncodedImage(images[i].FileName, ms.ToArray()), predictions[i], drawn);
            string what = predictions[i].Classes.Count > 0
                ? $"{predictions[i].Classes[0].Label} {predictions[i].Classes[0].Score:0.00}"
                : $"{predictions[i].Detections.Count} detections";
            context.Card.Image($"{images[i].FileName}: {what}", File.ReadAllBytes(drawn), "image/jpeg");
        }
        return Task.FromResult(new JsonObject
        {
            ["predictions"] = file,
            ["images"] = predictions.Count,
            ["detections"] = predictions.Sum(p => p.Detections.Count),
        });
    }
}
