using Seer.Core.Geometry;
using Seer.Mining.Inputs;

namespace Seer.Mining.Scoring;

/// <summary>
/// Disagreement between a model's output on an image and on augmented copies of it (after CALD, Yu et al. 2022), in
/// [0, 1], higher = less consistent = more worth labelling.
/// Classifiers: Jensen–Shannon divergence of the two class distributions, divided by ln 2, averaged over the views.
/// Detectors: every box of either side is matched to the other side's best same-class box by IoU; its consistency
/// is IoU × (1 − |score difference|) (0 when nothing matches), its disagreement 1 − that; the boxes' disagreements
/// are aggregated like uncertainty (max by default) and averaged over the views. No detections on either side: 0.
/// </summary>
public static class Consistency
{
    public static double Score(MiningCandidate candidate, DetectionAggregation aggregation)
    {
        if (candidate.Augmented.Count == 0) return 0;
        double total = 0;
        foreach (var view in candidate.Augmented)
            total += candidate.Output.ClassProbabilities is { } p && view.Output.ClassProbabilities is { } q
                ? JensenShannon(p, q)
                : DetectionDisagreement(candidate.Output.Detections, view.Output.Detections, aggregation);
        return total / candidate.Augmented.Count;
    }

    /// <summary>Jensen–Shannon divergence of two distributions divided by ln 2 (0 = same, 1 = disjoint).</summary>
    public static double JensenShannon(ReadOnlySpan<float> p, ReadOnlySpan<float> q)
    {
        int n = Math.Min(p.Length, q.Length);
        double sp = 0, sq = 0;
        for (int i = 0; i < n; i++) { sp += Math.Max(p[i], 0); sq += Math.Max(q[i], 0); }
        if (sp <= 0 || sq <= 0) return 0;
        double js = 0;
        for (int i = 0; i < n; i++)
        {
            double a = Math.Max(p[i], 0) / sp, b = Math.Max(q[i], 0) / sq, m = (a + b) / 2;
            if (a > 0) js += 0.5 * a * Math.Log(a / m);
            if (b > 0) js += 0.5 * b * Math.Log(b / m);
        }
        return Math.Clamp(js / Math.Log(2), 0, 1);
    }

    public static double DetectionDisagreement(IReadOnlyList<ScoredDetection> original, IReadOnlyList<ScoredDetection> augmented,
        DetectionAggregation aggregation)
    {
        if (original.Count == 0 && augmented.Count == 0) return 0;
        var values = new List<double>(original.Count + augmented.Count);
        foreach (var d in original) values.Add(1 - BestConsistency(d, augmented));
        foreach (var d in augmented) values.Add(1 - BestConsistency(d, original));
        return Uncertainty.Aggregate(values, aggregation);
    }

    private static double BestConsistency(ScoredDetection d, IReadOnlyList<ScoredDetection> others)
    {
        double best = 0;
        foreach (var o in others)
        {
            if (o.ClassId != d.ClassId) continue;
            double c = BoxXyxy.IoU(d.Box, o.Box) * (1 - Math.Abs(d.Score - o.Score));
            if (c > best) best = c;
        }
        return best;
    }
}
