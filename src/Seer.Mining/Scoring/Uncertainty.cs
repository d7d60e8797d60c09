namespace Seer.Mining.Scoring;

/// <summary>
/// Uncertainty of a class distribution, each in [0, 1], higher = less sure: least confidence (1 − max p), entropy
/// (−Σ p ln p / ln C) and margin (1 − (p₁ − p₂)). A detection with only a score s is the two-way distribution
/// (s, 1 − s): "this box is its class" against "it is not". Image scores aggregate per-box values
/// (<see cref="DetectionAggregation"/>).
/// </summary>
public static class Uncertainty
{
    public static double LeastConfidence(ReadOnlySpan<float> p)
    {
        if (p.Length == 0) return 0;
        float max = p[0];
        foreach (var v in p) if (v > max) max = v;
        return Math.Clamp(1.0 - max, 0, 1);
    }

    public static double Entropy(ReadOnlySpan<float> p)
    {
        if (p.Length < 2) return 0;
        double sum = 0, h = 0;
        foreach (var v in p) sum += Math.Max(v, 0);
        if (sum <= 0) return 0;
        foreach (var v in p)
        {
            double q = Math.Max(v, 0) / sum;
            if (q > 0) h -= q * Math.Log(q);
        }
        return Math.Clamp(h / Math.Log(p.Length), 0, 1);
    }

    public static double Margin(ReadOnlySpan<float> p)
    {
        if (p.Length < 2) return 0;
        float first = float.NegativeInfinity, second = float.NegativeInfinity;
        foreach (var v in p)
        {
            if (v > first) { second = first; first = v; }
            else if (v > second) second = v;
        }
        return Math.Clamp(1.0 - (first - second), 0, 1);
    }

    /// <summary>The image score of one uncertainty measure (least confidence, entropy or margin) over a model output.</summary>
    public static double Score(Inputs.ModelOutput output, MiningStrategy measure, DetectionAggregation aggregation)
    {
        if (output.ClassProbabilities is { } probs) return Of(measure, probs);
        if (output.Detections.Count == 0) return 0;
        Span<float> two = stackalloc float[2];
        var values = new double[output.Detections.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var d = output.Detections[i];
            if (d.ClassProbabilities is { Length: > 1 } dp) values[i] = Of(measure, dp);
            else
            {
                two[0] = Math.Clamp(d.Score, 0f, 1f);
                two[1] = 1f - two[0];
                values[i] = Of(measure, two);
            }
        }
        return Aggregate(values, aggregation);
    }

    public static double Aggregate(IReadOnlyList<double> values, DetectionAggregation aggregation)
    {
        if (values.Count == 0) return 0;
        return aggregation switch
        {
            DetectionAggregation.Mean => values.Average(),
            DetectionAggregation.Sum => values.Sum(),
            _ => values.Max(),
        };
    }

    private static double Of(MiningStrategy measure, ReadOnlySpan<float> p) => measure switch
    {
        MiningStrategy.LeastConfidence => LeastConfidence(p),
        MiningStrategy.Margin => Margin(p),
        _ => Entropy(p),
    };
}
