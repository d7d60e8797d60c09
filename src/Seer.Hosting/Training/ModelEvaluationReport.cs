namespace Seer.Hosting.Training;

/// <summary>
/// A registry model scored on a dataset version: the evaluator's metric keys, and for detectors the PR curve of every
/// class at IoU 0.5 (thinned to at most <see cref="ModelEvaluations.MaxCurvePoints"/> points). Stored as
/// <c>models/&lt;id&gt;/evaluation.json</c> (the latest) so the models page can draw it.
/// </summary>
public sealed record ModelEvaluationReport(
    string Model,
    string Dataset,
    string Task,
    IReadOnlyDictionary<string, object?> Metrics,
    IReadOnlyList<PrCurvePoints> PrCurves,
    DateTimeOffset CreatedAt);

/// <summary>One class's precision-recall points (recall ascending as the score threshold drops).</summary>
public sealed record PrCurvePoints(string Class, double Ap50, IReadOnlyList<double> Recall, IReadOnlyList<double> Precision, IReadOnlyList<double> Scores);
