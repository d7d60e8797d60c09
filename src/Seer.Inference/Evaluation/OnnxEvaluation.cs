using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Evaluation;
using Seer.Inference.Models;
using Seer.Inference.Processing;

namespace Seer.Inference.Evaluation;

/// <summary>
/// Evaluates an ONNX model (Seer's FP32 or INT8 export, or an external model with a manifest) on a dataset version
/// through ONNX Runtime, with the evaluators training uses and the same metric keys: classifiers score the images
/// tagged with one of the model's classes (all class probabilities, as validation does); detectors keep every
/// detection scoring at least 0.05 after class-aware NMS at IoU 0.6, at most 100 per image (training's validation
/// settings), on objects of the model's classes.
/// </summary>
public static class OnnxEvaluation
{
    public const float DetectionScoreThreshold = 0.05f;
    public const float DetectionNmsIoU = 0.6f;

    public static Dictionary<string, object> Evaluate(OnnxModel model, DatasetSnapshot data, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var spec = model.Spec;
        var classes = spec.ClassNames;
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var images = new List<ImageRecord>();
        var truthClass = new List<int>();
        foreach (var record in data.Images)
        {
            if (spec.Task == "classify")
            {
                int c = record.Tags.Select(t => classIndex.TryGetValue(t, out int k) ? k : -1).FirstOrDefault(k => k >= 0, -1);
                if (c < 0) continue;
                truthClass.Add(c);
                images.Add(record);
            }
            else if (spec.Task == "detect")
            {
                if (record.IsLabelled) images.Add(record);
            }
            else
                throw new SeerException(ErrorCodes.InvalidInput, $"model '{model.Path}' computes {spec.Task} outputs; evaluation needs a classifier or a detector", model.Path);
        }
        if (images.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                spec.Task == "classify"
                    ? $"dataset {data} has no image tagged with one of the model's classes ({string.Join(", ", classes)})"
                    : $"dataset {data} has no labelled image");
        var predictor = new Predictor(model, new PredictorOptions
        {
            ScoreThreshold = spec.Task == "detect" ? DetectionScoreThreshold : 0f,
            IouThreshold = DetectionNmsIoU,
            MaxDetections = 100,
            TopK = Math.Max(1, classes.Count),
            BatchSize = 16,
        });
        var predictions = new List<ImagePrediction>(images.Count);
        foreach (var p in predictor.PredictStream(Read(data, images, cancellationToken), cancellationToken))
        {
            predictions.Add(p);
            progress?.Report(new WorkProgress("evaluate", predictions.Count, images.Count));
        }
        IReadOnlyDictionary<string, object?> json;
        if (spec.Task == "classify")
        {
            var scores = predictions.Select(p =>
            {
                var s = new float[classes.Count];
                foreach (var c in p.Classes) s[c.ClassId] = c.Score;
                return s;
            }).ToList();
            json = ClassificationEvaluator.Evaluate(truthClass, scores, classes).ToJson();
        }
        else
        {
            var truth = images.Select(r => r with { Objects = r.Objects.Where(o => classIndex.ContainsKey(o.Label)).ToList() }).ToList();
            var dets = predictions.Select(p => (IReadOnlyList<ObjectAnnotation>)p.Detections
                .Select(d => new ObjectAnnotation(d.Label, d.Box) { Score = d.Score, Source = AnnotationSource.Predicted }).ToList()).ToList();
            json = DetectionEvaluator.Evaluate(truth, dets, classes).ToJson();
        }
        var metrics = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in json)
            if (v is not null) metrics[k] = v;
        metrics["model"] = model.Path;
        metrics["dataset"] = data.ToString();
        return metrics;
    }

    /// <summary>The images' bytes in order, read as they are consumed.</summary>
    public static IEnumerable<EncodedImage> Read(DatasetSnapshot data, IEnumerable<ImageRecord> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(images);
        foreach (var record in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stream = data.OpenImage(record);
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            yield return new EncodedImage(record.FileName, bytes.ToArray());
        }
    }
}
