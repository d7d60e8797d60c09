namespace Seer.Evaluation;

/// <summary>
/// Detection confusion matrix: rows are the true class, columns the predicted class, both in class order followed
/// by "background" (last index). Detections scoring at least the threshold are paired one-to-one with ground-truth
/// objects of ANY class, highest IoU first, among pairs with IoU at least the IoU threshold. A pair counts in
/// [true, predicted]; an unpaired object in [true, background] (missed); an unpaired detection in
/// [background, predicted] (false alarm). Crowd/difficult objects are never paired nor counted; an unpaired detection
/// on a same-class crowd/difficult object (IoU as COCO computes it for crowds) is ignored rather than a false alarm.
/// </summary>
public sealed class DetectionConfusionMatrix
{
    public const string Background = "background";

    public required double ScoreThreshold { get; init; }
    public required double IouThreshold { get; init; }

    /// <summary>Class names followed by <see cref="Background"/>.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Counts[truth][predicted].</summary>
    public required IReadOnlyList<IReadOnlyList<int>> Counts { get; init; }

    public int this[int truth, int predicted] => Counts[truth][predicted];

    public IReadOnlyDictionary<string, object?> ToJson() => new Dictionary<string, object?>
    {
        ["labels"] = Labels,
        ["rows"] = "truth",
        ["columns"] = "predicted",
        ["score_threshold"] = ScoreThreshold,
        ["iou_threshold"] = IouThreshold,
        ["counts"] = Counts,
    };
}
