using Seer.Core.Annotations;
using Seer.Core.Datasets;

namespace Seer.Evaluation.Internal;

/// <summary>TP/FP/FN counts and the detection confusion matrix at one score threshold (see the public types).</summary>
internal static class ThresholdAnalysis
{
    public static DetectionCounts Counts(EvalData data, double scoreThreshold, double iouThreshold)
    {
        var perClass = new ClassCounts[data.Classes.Length];
        Parallel.For(0, perClass.Length, k =>
        {
            var gs = data.GtStart[k];
            var ds = data.DetStart[k];
            var gts = data.Gts[k];
            var dets = data.Dets[k];
            var matched = new bool[gts.Length];
            int tp = 0, fp = 0, positives = 0;
            foreach (var g in gts)
                if (!Ignored(g)) positives++;
            for (int i = 0; i < data.ImageCount; i++)
            {
                for (int d = ds[i]; d < ds[i + 1] && dets[d].Score >= scoreThreshold; d++)
                {
                    int best = BestMatch(gts, gs[i], gs[i + 1], matched, dets[d], iouThreshold, out bool hitsIgnored);
                    if (best >= 0)
                    {
                        matched[best] = true;
                        tp++;
                    }
                    else if (!hitsIgnored) fp++;
                }
            }

            perClass[k] = new ClassCounts(tp, fp, positives - tp);
        });

        var dict = new Dictionary<string, ClassCounts>(StringComparer.Ordinal);
        for (int k = 0; k < perClass.Length; k++) dict[data.Classes[k]] = perClass[k];
        return new DetectionCounts { ScoreThreshold = scoreThreshold, IouThreshold = iouThreshold, PerClass = dict };
    }

    public static DetectionConfusionMatrix Confusion(EvalData data, double scoreThreshold, double iouThreshold)
    {
        int kk = data.Classes.Length, bg = kk;
        var counts = new int[kk + 1, kk + 1];
        var gtList = new List<(int Cls, GtBox Box)>();
        var detList = new List<(int Cls, DetBox Box)>();
        var pairs = new List<(double Iou, int D, int G)>();
        for (int i = 0; i < data.ImageCount; i++)
        {
            gtList.Clear();
            detList.Clear();
            pairs.Clear();
            for (int k = 0; k < kk; k++)
            {
                for (int g = data.GtStart[k][i]; g < data.GtStart[k][i + 1]; g++) gtList.Add((k, data.Gts[k][g]));
                var dets = data.Dets[k];
                for (int d = data.DetStart[k][i]; d < data.DetStart[k][i + 1] && dets[d].Score >= scoreThreshold; d++)
                    detList.Add((k, dets[d]));
            }

            if (gtList.Count == 0 && detList.Count == 0) continue;
            for (int d = 0; d < detList.Count; d++)
            {
                for (int g = 0; g < gtList.Count; g++)
                {
                    if (Ignored(gtList[g].Box)) continue;
                    double iou = CocoEngine.Iou(detList[d].Box, gtList[g].Box);
                    if (iou >= iouThreshold) pairs.Add((iou, d, g));
                }
            }

            pairs.Sort((x, y) =>
            {
                int c = y.Iou.CompareTo(x.Iou);
                if (c != 0) return c;
                c = x.D.CompareTo(y.D);
                return c != 0 ? c : x.G.CompareTo(y.G);
            });
            var detUsed = new bool[detList.Count];
            var gtUsed = new bool[gtList.Count];
            foreach (var (_, d, g) in pairs)
            {
                if (detUsed[d] || gtUsed[g]) continue;
                detUsed[d] = true;
                gtUsed[g] = true;
                counts[gtList[g].Cls, detList[d].Cls]++;
            }

            for (int g = 0; g < gtList.Count; g++)
                if (!gtUsed[g] && !Ignored(gtList[g].Box)) counts[gtList[g].Cls, bg]++;
            for (int d = 0; d < detList.Count; d++)
                if (!detUsed[d] && !Absorbed(detList[d].Cls, detList[d].Box, gtList, iouThreshold)) counts[bg, detList[d].Cls]++;
        }

        var rows = new IReadOnlyList<int>[kk + 1];
        for (int r = 0; r <= kk; r++)
        {
            var row = new int[kk + 1];
            for (int c = 0; c <= kk; c++) row[c] = counts[r, c];
            rows[r] = row;
        }

        return new DetectionConfusionMatrix
        {
            ScoreThreshold = scoreThreshold, IouThreshold = iouThreshold,
            Labels = [.. data.Classes, DetectionConfusionMatrix.Background], Counts = rows,
        };
    }

    /// <summary>
    /// The greedy step every threshold count shares: the unmatched, not ignored ground-truth object in [from, to) with
    /// the highest IoU ≥ the threshold (the later one on ties), or -1; <paramref name="hitsIgnored"/> tells whether the
    /// detection overlaps an ignored (crowd/difficult) object enough, so an unmatched one is not a false positive.
    /// </summary>
    public static int BestMatch(GtBox[] gts, int from, int to, bool[] matched, in DetBox det, double iouThreshold, out bool hitsIgnored)
    {
        int best = -1;
        double bestIou = iouThreshold;
        hitsIgnored = false;
        for (int g = from; g < to; g++)
        {
            double iou = CocoEngine.Iou(det, gts[g]);
            if (iou < iouThreshold) continue;
            if (Ignored(gts[g])) hitsIgnored = true;
            else if (!matched[g] && iou >= bestIou)
            {
                bestIou = iou;
                best = g;
            }
        }
        return best;
    }

    /// <summary>Per-object outcome on one image: each class's detections by descending score (stable) through <see cref="BestMatch"/>, as <see cref="Counts"/> does.</summary>
    public static ObjectMatches Match(ImageRecord truth, IReadOnlyList<ObjectAnnotation> predictions, double scoreThreshold, double iouThreshold)
    {
        var gtStatus = new MatchStatus[truth.Objects.Count];
        var gtMatch = new int[truth.Objects.Count];
        var detStatus = new MatchStatus[predictions.Count];
        var detMatch = new int[predictions.Count];
        Array.Fill(gtMatch, -1);
        Array.Fill(detMatch, -1);
        foreach (var label in truth.Objects.Select(o => o.Label).Concat(predictions.Select(p => p.Label)).Distinct(StringComparer.Ordinal))
        {
            var gtIndex = Enumerable.Range(0, truth.Objects.Count).Where(i => truth.Objects[i].Label == label).ToArray();
            var gts = gtIndex.Select(i => ToGt(truth.Objects[i])).ToArray();
            var matched = new bool[gts.Length];
            var order = Enumerable.Range(0, predictions.Count).Where(i => predictions[i].Label == label)
                .OrderByDescending(i => predictions[i].Score ?? 0).ToArray(); // OrderBy is stable: ties keep input order
            foreach (int d in order)
            {
                if ((predictions[d].Score ?? 0) < scoreThreshold)
                {
                    detStatus[d] = MatchStatus.BelowThreshold;
                    continue;
                }
                var b = predictions[d].Box;
                var det = new DetBox { X = b.X1, Y = b.Y1, W = b.X2 - b.X1, H = b.Y2 - b.Y1, Score = predictions[d].Score ?? 0 };
                int best = BestMatch(gts, 0, gts.Length, matched, det, iouThreshold, out bool hitsIgnored);
                if (best >= 0)
                {
                    matched[best] = true;
                    detStatus[d] = MatchStatus.TruePositive;
                    detMatch[d] = gtIndex[best];
                    gtStatus[gtIndex[best]] = MatchStatus.TruePositive;
                    gtMatch[gtIndex[best]] = d;
                }
                else detStatus[d] = hitsIgnored ? MatchStatus.Ignored : MatchStatus.FalsePositive;
            }
            for (int g = 0; g < gts.Length; g++)
                if (!matched[g]) gtStatus[gtIndex[g]] = Ignored(gts[g]) ? MatchStatus.Ignored : MatchStatus.FalseNegative;
        }
        return new ObjectMatches(gtStatus, gtMatch, detStatus, detMatch);
    }

    private static GtBox ToGt(ObjectAnnotation o) => new()
    {
        X = o.Box.X1, Y = o.Box.Y1, W = o.Box.X2 - o.Box.X1, H = o.Box.Y2 - o.Box.Y1,
        Area = o.Area ?? (o.Box.X2 - o.Box.X1) * (o.Box.Y2 - o.Box.Y1), Crowd = o.IsCrowd, Difficult = o.Difficult,
    };

    private static bool Ignored(in GtBox g) => g.Crowd || g.Difficult;

    /// <summary>An unpaired detection on a same-class crowd/difficult object is ignored, not a false alarm.</summary>
    private static bool Absorbed(int cls, in DetBox det, List<(int Cls, GtBox Box)> gts, double iouThreshold)
    {
        foreach (var (c, g) in gts)
            if (c == cls && Ignored(g) && CocoEngine.Iou(det, g) >= iouThreshold) return true;
        return false;
    }
}
