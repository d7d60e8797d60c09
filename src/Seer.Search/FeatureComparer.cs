using Seer.Core.Errors;

namespace Seer.Search;

/// <summary>
/// 1:1 compare: the score of two feature vectors under a metric (similarity for ip/cosine, squared distance for L2),
/// and calibration of an accept threshold for a target false-accept rate from labelled pairs.
/// </summary>
public static unsafe class FeatureComparer
{
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b, DistanceMetric metric)
    {
        if (a.Length != b.Length)
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot compare vectors of dimension {a.Length} and {b.Length}");
        int stride = SimdKernels.PaddedLength(a.Length);
        var x = new float[stride + 16];
        var y = new float[stride + 16];
        a.CopyTo(x);
        b.CopyTo(y);
        VectorChecks.Prepare(x.AsSpan(0, a.Length), metric, "first vector", null);
        VectorChecks.Prepare(y.AsSpan(0, b.Length), metric, "second vector", null);
        fixed (float* px = x, py = y)
            return metric == DistanceMetric.L2 ? SimdKernels.L2Squared(px, py, stride) : SimdKernels.Dot(px, py, stride);
    }

    /// <summary>True when a score means "same" under a threshold (≥ for similarities, ≤ for L2 distances).</summary>
    public static bool Accepts(float score, float threshold, DistanceMetric metric) =>
        metric == DistanceMetric.L2 ? score <= threshold : score >= threshold;

    /// <summary>
    /// Chooses the most permissive threshold whose false-accept rate on the impostor pairs is at most
    /// <paramref name="targetFar"/>. <paramref name="genuine"/>[i] says whether pair i is the same identity.
    /// </summary>
    public static ThresholdCalibration Calibrate(IReadOnlyList<float> scores, IReadOnlyList<bool> genuine,
        double targetFar, DistanceMetric metric)
    {
        if (scores.Count != genuine.Count)
            throw new SeerException(ErrorCodes.InvalidInput, $"{scores.Count} scores but {genuine.Count} labels");
        if (targetFar is < 0 or > 1)
            throw new SeerException(ErrorCodes.InvalidOptions, $"--far must be between 0 and 1 (was {targetFar})");
        // Work with "higher is more similar" so one code path serves both metric kinds.
        float sign = metric == DistanceMetric.L2 ? -1f : 1f;
        var impostors = new List<float>();
        var genuines = new List<float>();
        for (int i = 0; i < scores.Count; i++) (genuine[i] ? genuines : impostors).Add(sign * scores[i]);
        if (impostors.Count == 0 || genuines.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"calibration needs both genuine and impostor pairs (got {genuines.Count} genuine, {impostors.Count} impostor)");
        impostors.Sort((p, q) => q.CompareTo(p)); // most similar impostor first
        int allowed = (int)Math.Floor(targetFar * impostors.Count + 1e-9);
        // Accept s ≥ t. With t just above impostors[allowed], at most `allowed` impostors pass.
        float t = allowed >= impostors.Count
            ? impostors[^1]
            : MathF.BitIncrement(impostors[allowed]);
        int falseAccepts = impostors.Count(s => s >= t);
        int trueAccepts = genuines.Count(s => s >= t);
        return new ThresholdCalibration(sign * t, targetFar, falseAccepts / (double)impostors.Count,
            trueAccepts / (double)genuines.Count, genuines.Count, impostors.Count);
    }
}
