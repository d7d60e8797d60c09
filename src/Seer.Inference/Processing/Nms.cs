namespace Seer.Inference.Processing;

/// <summary>Class-aware greedy non-maximum suppression: a box suppresses lower-scored boxes of its own class only.</summary>
public static class Nms
{
    /// <summary>
    /// Keeps, in descending score order, every box whose IoU with each kept box of the same class is at most
    /// <paramref name="iouThreshold"/>, up to <paramref name="maxDetections"/>. Ties keep input order.
    /// </summary>
    public static List<ScoredBox> ClassAware(IReadOnlyList<ScoredBox> boxes, float iouThreshold, int maxDetections)
    {
        var order = new int[boxes.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var scores = new float[boxes.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = -boxes[i].Score;
        Array.Sort(scores, order); // introsort is unstable: restore input order within equal scores
        for (int s = 0; s < order.Length;)
        {
            int e = s + 1;
            while (e < order.Length && scores[e] == scores[s]) e++;
            if (e - s > 1) Array.Sort(order, s, e - s);
            s = e;
        }
        var kept = new List<ScoredBox>();
        var keptByClass = new Dictionary<int, List<ScoredBox>>();
        foreach (int i in order)
        {
            if (kept.Count >= maxDetections) break;
            var box = boxes[i];
            if (!keptByClass.TryGetValue(box.ClassId, out var same)) keptByClass[box.ClassId] = same = [];
            bool suppressed = false;
            foreach (var k in same)
            {
                if (IoU(box, k) > iouThreshold) { suppressed = true; break; }
            }
            if (suppressed) continue;
            same.Add(box);
            kept.Add(box);
        }
        return kept;
    }

    public static float IoU(in ScoredBox a, in ScoredBox b)
    {
        float iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        float ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (iw <= 0 || ih <= 0) return 0;
        float inter = iw * ih;
        float union = a.Area + b.Area - inter;
        return union > 0 ? inter / union : 0;
    }
}
