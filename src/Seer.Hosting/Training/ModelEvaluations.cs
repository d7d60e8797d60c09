using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Evaluation;
using Seer.Hosting.Jobs;
using Seer.Training.Engine;
using Seer.Training.Registry;
using TorchSharp;

namespace Seer.Hosting.Training;

/// <summary>
/// Evaluates a registry model on a dataset version with the training library (the task's trainer rebuilds the network
/// and predicts; Seer.Evaluation scores) and keeps the report beside the model.
/// </summary>
public static class ModelEvaluations
{
    public const string FileName = "evaluation.json";
    public const int MaxCurvePoints = 200;

    /// <summary>The score threshold of a detector's stored TP/FP/FN counts and confusion matrix (the image API's default).</summary>
    public const double CountsScoreThreshold = 0.25;

    public static ModelEvaluationReport Run(IModelRegistry registry, string model, DatasetSnapshot data, int threads,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(data);
        ModelRecord record = registry.Get(model);
        string weights = registry.WeightsPath(record);
        if (!File.Exists(weights))
            throw new SeerException(ErrorCodes.Conflict, $"model {record.Id} has no weights yet (status {record.Status})", weights);
        var trainer = TaskRegistry.Get(record.Task).CreateTrainer(record.Parameters with { Threads = threads }, record.Classes);
        var device = TorchSetup.Prepare(trainer.Options);
        using var network = trainer.CreateModel();
        Checkpoint.LoadWeights(weights, network);
        network.to(device);

        ModelEvaluationReport report;
        if (trainer is DetectionTrainer detector)
        {
            var predictions = detector.Predict(network, data, device, progress, cancellationToken);
            var known = new HashSet<string>(record.Classes, StringComparer.Ordinal);
            var truth = new List<ImageRecord>();
            var detections = new List<IReadOnlyList<ObjectAnnotation>>();
            for (int i = 0; i < data.Images.Count; i++)
            {
                if (!data.Images[i].IsLabelled) continue;
                truth.Add(data.Images[i] with { Objects = data.Images[i].Objects.Where(o => known.Contains(o.Label)).ToList() });
                detections.Add(predictions[i].Select(d => new ObjectAnnotation(record.Classes[d.Class], d.Box)
                {
                    Score = d.Score, Source = AnnotationSource.Predicted,
                }).ToList());
            }
            if (truth.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, $"{data} has no labelled images to evaluate on", data.ToString());
            // A score threshold adds TP/FP/FN per class and the confusion matrix (the model page draws them) to the COCO metrics.
            var metrics = DetectionEvaluator.Evaluate(truth, detections, record.Classes, new DetectionEvalOptions { ScoreThreshold = CountsScoreThreshold });
            var curves = metrics.PrCurves.Values
                .Select(c => Thin(c, metrics.PerClassAP50.TryGetValue(c.Class, out double ap) ? ap : -1))
                .ToList();
            report = new ModelEvaluationReport(record.Id, data.ToString(), record.Task, metrics.ToJson(), curves, DateTimeOffset.UtcNow);
        }
        else
        {
            var metrics = trainer.Evaluate(network, data, device, progress, cancellationToken);
            report = new ModelEvaluationReport(record.Id, data.ToString(), record.Task,
                metrics.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal), [], DateTimeOffset.UtcNow);
        }
        Save(registry.Folder(record.Id), report);
        return report;
    }

    /// <summary>The latest stored report of a model as JSON, or null when it was never evaluated here.</summary>
    public static JsonElement? Read(string modelFolder)
    {
        string path = Path.Combine(modelFolder, FileName);
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    /// <summary>Folder of every evaluation run of a model (history): one file per run, named by its time, never overwritten.</summary>
    public const string HistoryFolder = "evaluations";

    /// <summary>
    /// Every stored evaluation run of a model, newest first: the files under evaluations/, and a pre-history
    /// evaluation.json (written before runs were kept) when no run repeats it.
    /// </summary>
    public static IReadOnlyList<JsonElement> History(string modelFolder)
    {
        var runs = new List<JsonElement>();
        string dir = Path.Combine(modelFolder, HistoryFolder);
        if (Directory.Exists(dir))
            foreach (var file in Directory.GetFiles(dir, "*.json").OrderDescending(StringComparer.Ordinal))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                runs.Add(doc.RootElement.Clone());
            }
        if (runs.Count == 0 && Read(modelFolder) is { } latest) runs.Add(latest);
        return runs;
    }

    private static void Save(string folder, ModelEvaluationReport report)
    {
        string json = JsonSerializer.Serialize(report, JobJson.Options);
        // The run joins the history first (a new file, never replaced), then becomes the latest.
        string dir = Path.Combine(folder, HistoryFolder);
        Directory.CreateDirectory(dir);
        string stamp = report.CreatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfffffff", System.Globalization.CultureInfo.InvariantCulture);
        string run = Path.Combine(dir, $"{stamp}.json");
        for (int n = 2; File.Exists(run); n++) run = Path.Combine(dir, $"{stamp}-{n}.json");
        File.WriteAllText(run + ".tmp", json);
        File.Move(run + ".tmp", run);
        string path = Path.Combine(folder, FileName);
        string temp = path + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, path, overwrite: true);
    }

    private static PrCurvePoints Thin(PrCurve curve, double ap50)
    {
        int n = curve.Recall.Count;
        if (n <= MaxCurvePoints) return new PrCurvePoints(curve.Class, ap50, curve.Recall, curve.Precision, curve.Scores);
        var picks = Enumerable.Range(0, MaxCurvePoints).Select(i => (int)Math.Round((double)i * (n - 1) / (MaxCurvePoints - 1))).Distinct().ToList();
        return new PrCurvePoints(curve.Class, ap50, picks.Select(i => curve.Recall[i]).ToList(),
            picks.Select(i => curve.Precision[i]).ToList(), picks.Select(i => curve.Scores[i]).ToList());
    }
}
