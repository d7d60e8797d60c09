using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Evaluation;
using Seer.Inference.Models;
using Seer.Inference.Processing;

namespace Seer.Inference.Evaluation;

/// <summary>
/// Evaluates an ONNX model (an external model registered from another trainer, or any .onnx with its manifest) on a
/// dataset version with Seer.Evaluation, the same evaluators training's validation and <c>seer model eval</c> use:
/// classifiers through <see cref="ClassificationEvaluator"/> on every class's probability (top1, top5, macro_f1, ...),
/// detectors through <see cref="DetectionEvaluator"/> (COCO AP, AP50, ...) on the predictor's detections at score
/// threshold 0.001 (every candidate, as COCO evaluation wants). Returns the evaluator's JSON keys without nulls.
/// </summary>
public static class OnnxEvaluation
{
    public static Dictionary<string, object> Evaluate(OnnxModel model, DatasetSnapshot data, IProgress<WorkProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var spec = model.Spec;
        var classes = spec.ClassNames;
        if (spec.Task is not ("classify" or "detect"))
            throw new SeerException(ErrorCodes.InvalidInput, $"ONNX evaluation covers classify and detect models; {model.Path} is '{spec.Task}'", model.Path);
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var predictor = new Predictor(model, new PredictorOptions
        {
            TopK = Math.Max(1, classes.Count), ScoreThreshold = spec.Task == "detect" ? 0.001f : 0f,
        });
        IReadOnlyDictionary<string, object?> json;
        if (spec.Task == "classify")
        {
            var samples = new List<(ImageRecord Image, int Class)>();
            foreach (var image in data.Images)
                foreach (string tag in image.Tags)
                    if (index.TryGetValue(tag, out int c)) { samples.Add((image, c)); break; }
            if (samples.Count == 0)
                throw new SeerException(ErrorCodes.InvalidInput, $"dataset {data} has no image tagged with one of the model's classes ({string.Join(", ", classes)})", data.ToString());
            var scores = new List<float[]>(samples.Count);
            foreach (var p in predictor.PredictStream(Encoded(data, samples.Select(s => s.Image), cancellationToken), cancellationToken))
            {
                var row = new float[classes.Count];
                foreach (var cs in p.Classes) row[cs.ClassId] = cs.Score;
                scores.Add(row);
                progress?.Report(new WorkProgress("evaluate", scores.Count, samples.Count));
            }
            json = ClassificationEvaluator.Evaluate(samples.Select(s => s.Class).ToArray(), scores, classes).ToJson();
        }
        else
        {
            var labelled = data.Images.Where(i => i.IsLabelled).ToList();
            if (labelled.Count == 0)
                throw new SeerException(ErrorCodes.InvalidInput, $"dataset {data} has no labelled images to evaluate on", data.ToString());
            var truth = new List<ImageRecord>(labelled.Count);
            var detections = new List<IReadOnlyList<ObjectAnnotation>>(labelled.Count);
            int k = 0;
            foreach (var p in predictor.PredictStream(Encoded(data, labelled, cancellationToken), cancellationToken))
            {
                var image = labelled[k++];
                truth.Add(image with { Objects = image.Objects.Where(o => index.ContainsKey(o.Label)).ToList() });
                detections.Add(p.Detections.Select(d => new ObjectAnnotation(d.Label, d.Box) { Score = d.Score, Source = AnnotationSource.Predicted }).ToList());
                progress?.Report(new WorkProgress("evaluate", k, labelled.Count));
            }
            json = DetectionEvaluator.Evaluate(truth, detections, classes).ToJson();
        }
        var metrics = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in json)
            if (value is not null) metrics[key] = value;
        return metrics;
    }

    private static IEnumerable<EncodedImage> Encoded(DatasetSnapshot data, IEnumerable<ImageRecord> images, CancellationToken cancellationToken)
    {
        foreach (var image in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var s = data.OpenImage(image);
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            yield return new EncodedImage(image.FileName, ms.ToArray());
        }
    }
}
