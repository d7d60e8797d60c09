namespace Seer.Evaluation;

/// <summary>What one object became at a score and IoU threshold.</summary>
public enum MatchStatus
{
    /// <summary>Not decided (never returned).</summary>
    None,

    /// <summary>A detection matched to a same-class ground-truth object, or that object.</summary>
    TruePositive,

    /// <summary>A detection at or above the score threshold that matched nothing.</summary>
    FalsePositive,

    /// <summary>A ground-truth object no detection matched.</summary>
    FalseNegative,

    /// <summary>A crowd/difficult object, or a detection only on one: neither counted nor missed.</summary>
    Ignored,

    /// <summary>A detection scoring below the threshold (not counted).</summary>
    BelowThreshold,
}

/// <summary>
/// Per-object outcome on one image (<see cref="DetectionEvaluator.MatchObjects"/>): status of each ground-truth
/// object and each prediction, in their input order, and the index each is matched to (-1 when none). Summed over
/// images these are exactly <see cref="DetectionEvaluator.CountAtThreshold"/>'s counts.
/// </summary>
public sealed record ObjectMatches(
    IReadOnlyList<MatchStatus> Truth, IReadOnlyList<int> TruthMatchedTo, IReadOnlyList<MatchStatus> Predictions, IReadOnlyList<int> PredictionMatchedTo);
