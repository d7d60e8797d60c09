namespace Seer.Evaluation;

/// <summary>What a detection evaluation computes besides the protocol's metrics.</summary>
public sealed record DetectionEvalOptions
{
    public DetectionProtocol Protocol { get; init; } = DetectionProtocol.Coco;

    /// <summary>When set, also compute TP/FP/FN and the confusion matrix for detections scoring at least this.</summary>
    public double? ScoreThreshold { get; init; }

    /// <summary>IoU a detection needs to count as a TP in the counts and confusion matrix (default 0.5).</summary>
    public double IouThreshold { get; init; } = 0.5;
}
