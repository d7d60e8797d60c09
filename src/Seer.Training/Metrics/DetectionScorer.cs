using Seer.Core.Geometry;

namespace Seer.Training.Metrics;

/// <summary>
/// COCO-style box AP used for validation during training: per class, detections sorted by score are greedily matched
/// to unmatched ground truth at each IoU threshold 0.50:0.05:0.95, precision is made monotone and sampled at 101
/// recall points; AP is the mean over thresholds and classes with ground truth (at most 100 detections per image).
/// Keys: AP, AP50, AP75.
/// </summary>
public static class DetectionScorer
{
    public sealed record Box(int Image, int Class, BoxXyxy Rect, double Score);

    public static Dictionary<string, object> Score(IReadOnlyList<Box> truth, IReadOnlyList<Box> detections, int classes)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(detections);
        var dets = detections.GroupBy(d => d.Image)
            .SelectMany(g => g.OrderByDescending(d => d.Score).Take(100)).ToList();
        double[] thresholds = Enumerable.Range(0, 10).Select(i => 0.5 + 0.05 * i).ToArray();
        var apPerThreshold = new double[thresholds.Length];
        var counted = new int[thresholds.Length];
        for (int c = 0; c < classes; c++)
        {
            var gts = truth.Where(t => t.Class == c).GroupBy(t => t.Image).ToDictionary(g => g.Key, g => g.ToArray());
            int gtCount = gts.Values.Sum(a => a.Length);
            if (gtCount == 0) continue;
            var cd = dets.Where(d => d.Class == c).OrderByDescending(d => d.Score).ToArray();
            for (int t = 0; t < thresholds.Length; t++)
            {
                var used = gts.ToDictionary(p => p.Key, p => new bool[p.Value.Length]);
                var tpFlags = new bool[cd.Length];
                for (int i = 0; i < cd.Length; i++)
                {
                    if (!gts.TryGetValue(cd[i].Image, out Box[]? g)) continue;
                    bool[] u = used[cd[i].Image];
                    int bestJ = -1;
                    double bestIoU = Math.Min(thresholds[t], 1 - 1e-10);
                    for (int j = 0; j < g.Length; j++)
                    {
                        if (u[j]) continue;
                        double iou = BoxXyxy.IoU(cd[i].Rect, g[j].Rect);
                        if (iou >= bestIoU) { bestIoU = iou; bestJ = j; }
                    }
                    if (bestJ >= 0) { u[bestJ] = true; tpFlags[i] = true; }
                }
                apPerThreshold[t] += AveragePrecision(tpFlags, gtCount);
                counted[t]++;
            }
        }
        double At(int t) => counted[t] > 0 ? apPerThreshold[t] / counted[t] : -1;
        double ap = counted[0] > 0 ? Enumerable.Range(0, thresholds.Length).Average(At) : -1;
        return new Dictionary<string, object> { ["AP"] = ap, ["AP50"] = At(0), ["AP75"] = At(5) };
    }

    private static double AveragePrecision(bool[] tp, int gtCount)
    {
        int n = tp.Length;
        var precision = new double[n];
        var recall = new double[n];
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            if (tp[i]) hits++;
            precision[i] = (double)hits / (i + 1);
            recall[i] = (double)hits / gtCount;
        }
        for (int i = n - 2; i >= 0; i--) precision[i] = Math.Max(precision[i], precision[i + 1]);
        double sum = 0;
        int k = 0;
        for (int r = 0; r <= 100; r++)
        {
            double target = r / 100.0;
            while (k < n && recall[k] < target) k++;
            if (k < n) sum += precision[k];
        }
        return sum / 101;
    }
}
