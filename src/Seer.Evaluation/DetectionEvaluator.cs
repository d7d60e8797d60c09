using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Evaluation.Internal;

namespace Seer.Evaluation;

/// <summary>
/// The one detection evaluator Seer uses everywhere (CLI, training's model selection, the model registry).
/// COCO numbers equal pycocotools' COCOeval (iouType "bbox", default parameters); VOC numbers equal the VOC devkit.
/// Ground-truth objects use <see cref="ObjectAnnotation.IsCrowd"/>, <see cref="ObjectAnnotation.Difficult"/> (VOC)
/// and <see cref="ObjectAnnotation.Area"/> (COCO area ranges; w*h when null); predictions need a Score.
/// </summary>
public static class DetectionEvaluator
{
    /// <summary>predictions[i] are the scored detections for groundTruth[i]; classes are the evaluated label names.</summary>
    public static DetectionMetrics Evaluate(
        IReadOnlyList<ImageRecord> groundTruth, IReadOnlyList<IReadOnlyList<ObjectAnnotation>> predictions,
        IReadOnlyList<string> classes, DetectionProtocol protocol = DetectionProtocol.Coco) =>
        Evaluate(groundTruth, predictions, classes, new DetectionEvalOptions { Protocol = protocol });

    public static DetectionMetrics Evaluate(
        IReadOnlyList<ImageRecord> groundTruth, IReadOnlyList<IReadOnlyList<ObjectAnnotation>> predictions,
        IReadOnlyList<string> classes, DetectionEvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return Evaluate(RecordReader.Read(groundTruth, predictions, classes), options);
    }

    /// <summary>COCO ground-truth JSON + COCO results JSON (list of {image_id, category_id, bbox, score}).</summary>
    public static DetectionMetrics EvaluateCocoFiles(
        string groundTruthPath, string resultsPath, DetectionProtocol protocol = DetectionProtocol.Coco) =>
        EvaluateCocoFiles(groundTruthPath, resultsPath, new DetectionEvalOptions { Protocol = protocol });

    public static DetectionMetrics EvaluateCocoFiles(string groundTruthPath, string resultsPath, DetectionEvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return Evaluate(CocoJsonReader.Read(groundTruthPath, resultsPath), options);
    }

    /// <summary>TP/FP/FN per class for detections scoring at least <paramref name="scoreThreshold"/>.</summary>
    public static DetectionCounts CountAtThreshold(
        IReadOnlyList<ImageRecord> groundTruth, IReadOnlyList<IReadOnlyList<ObjectAnnotation>> predictions,
        IReadOnlyList<string> classes, double scoreThreshold, double iouThreshold = 0.5)
    {
        Validate(new DetectionEvalOptions { ScoreThreshold = scoreThreshold, IouThreshold = iouThreshold });
        return ThresholdAnalysis.Counts(RecordReader.Read(groundTruth, predictions, classes), scoreThreshold, iouThreshold);
    }

    /// <summary>
    /// TP / FP / FN per object of one image at a score and IoU threshold (the same greedy matching as
    /// <see cref="CountAtThreshold"/>): what the image page draws next to each box.
    /// </summary>
    public static ObjectMatches MatchObjects(ImageRecord truth, IReadOnlyList<ObjectAnnotation> predictions, double scoreThreshold, double iouThreshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predictions);
        Validate(new DetectionEvalOptions { ScoreThreshold = scoreThreshold, IouThreshold = iouThreshold });
        return ThresholdAnalysis.Match(truth, predictions, scoreThreshold, iouThreshold);
    }

    /// <summary>The confusion matrix with a background row and column at a score threshold.</summary>
    public static DetectionConfusionMatrix ConfusionMatrix(
        IReadOnlyList<ImageRecord> groundTruth, IReadOnlyList<IReadOnlyList<ObjectAnnotation>> predictions,
        IReadOnlyList<string> classes, double scoreThreshold, double iouThreshold = 0.5)
    {
        Validate(new DetectionEvalOptions { ScoreThreshold = scoreThreshold, IouThreshold = iouThreshold });
        return ThresholdAnalysis.Confusion(RecordReader.Read(groundTruth, predictions, classes), scoreThreshold, iouThreshold);
    }

    private static void Validate(DetectionEvalOptions options)
    {
        if (!(options.IouThreshold > 0 && options.IouThreshold <= 1))
            throw new SeerException(ErrorCodes.InvalidOptions, $"IoU threshold must be in (0, 1] (was {options.IouThreshold})");
        if (options.ScoreThreshold is { } s && !double.IsFinite(s))
            throw new SeerException(ErrorCodes.InvalidOptions, $"score threshold must be a finite number (was {s})");
        if (!Enum.IsDefined(options.Protocol))
            throw new SeerException(ErrorCodes.InvalidOptions, $"unknown protocol {options.Protocol}; use coco, voc07 or voc12");
    }

    private static DetectionMetrics Evaluate(EvalData data, DetectionEvalOptions options)
    {
        var metrics = options.Protocol == DetectionProtocol.Coco
            ? CocoSummary.Summarize(data, CocoEngine.Run(data))
            : VocSummary.Summarize(data, VocEngine.Run(data, options.Protocol == DetectionProtocol.Voc07), options.Protocol);
        if (options.ScoreThreshold is not { } threshold) return metrics;
        return metrics with
        {
            Counts = ThresholdAnalysis.Counts(data, threshold, options.IouThreshold),
            ConfusionMatrix = ThresholdAnalysis.Confusion(data, threshold, options.IouThreshold),
        };
    }
}
