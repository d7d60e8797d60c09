namespace Seer.Evaluation;

/// <summary>
/// Classification metrics: top-1 / top-5 accuracy, per-class precision/recall/F1, their macro and support-weighted
/// means, and the confusion matrix (rows = true class, columns = predicted class, in <see cref="Classes"/> order).
/// </summary>
public sealed record ClassificationMetrics
{
    public required IReadOnlyList<string> Classes { get; init; }
    public required int SampleCount { get; init; }
    public required double Top1 { get; init; }
    /// <summary>Top-5 accuracy (top-k with k = min(5, class count)); -1 when predictions were hard labels without scores.</summary>
    public required double Top5 { get; init; }
    public required double MacroPrecision { get; init; }
    public required double MacroRecall { get; init; }
    /// <summary>Mean F1 over the classes that occur in the truth or the predictions (scikit-learn's label set).</summary>
    public required double MacroF1 { get; init; }
    /// <summary>F1 averaged with each class weighted by its support.</summary>
    public required double WeightedF1 { get; init; }
    public required IReadOnlyDictionary<string, ClassMetrics> PerClass { get; init; }
    /// <summary>ConfusionMatrix[truth][predicted] counts.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; init; }

    /// <summary>The JSON `seer eval classification --json` prints: top1, top5, macro_f1, per_class and extras.</summary>
    public IReadOnlyDictionary<string, object?> ToJson()
    {
        var perClass = new Dictionary<string, object?>();
        foreach (var name in Classes)
        {
            var m = PerClass[name];
            perClass[name] = new Dictionary<string, object?>
            {
                ["precision"] = m.Precision, ["recall"] = m.Recall, ["f1"] = m.F1, ["support"] = m.Support,
            };
        }

        return new Dictionary<string, object?>
        {
            ["top1"] = Top1,
            ["top5"] = Top5,
            ["macro_f1"] = MacroF1,
            ["weighted_f1"] = WeightedF1,
            ["macro_precision"] = MacroPrecision,
            ["macro_recall"] = MacroRecall,
            ["samples"] = SampleCount,
            ["classes"] = Classes,
            ["per_class"] = perClass,
            ["confusion_matrix"] = ConfusionMatrix,
        };
    }
}
