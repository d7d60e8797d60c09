namespace Seer.Evaluation;

/// <summary>
/// TP/FP/FN per class for the detections scoring at least <see cref="ScoreThreshold"/>, matched greedily by score
/// to same-class ground truth with IoU at least <see cref="IouThreshold"/>. A detection that matches only an
/// ignored object (crowd or difficult) counts as neither TP nor FP; ignored objects are never FN.
/// </summary>
public sealed class DetectionCounts
{
    public required double ScoreThreshold { get; init; }
    public required double IouThreshold { get; init; }
    public required IReadOnlyDictionary<string, ClassCounts> PerClass { get; init; }

    /// <summary>Sum over classes.</summary>
    public ClassCounts Total
    {
        get
        {
            int tp = 0, fp = 0, fn = 0;
            foreach (var c in PerClass.Values)
            {
                tp += c.TruePositives;
                fp += c.FalsePositives;
                fn += c.FalseNegatives;
            }

            return new ClassCounts(tp, fp, fn);
        }
    }

    public IReadOnlyDictionary<string, object?> ToJson()
    {
        static Dictionary<string, object?> One(ClassCounts c) => new()
        {
            ["tp"] = c.TruePositives, ["fp"] = c.FalsePositives, ["fn"] = c.FalseNegatives,
            ["precision"] = c.Precision, ["recall"] = c.Recall, ["f1"] = c.F1,
        };

        var total = One(Total);
        total["score_threshold"] = ScoreThreshold;
        total["iou_threshold"] = IouThreshold;
        total["per_class"] = PerClass.ToDictionary(kv => kv.Key, kv => (object?)One(kv.Value));
        return total;
    }
}
