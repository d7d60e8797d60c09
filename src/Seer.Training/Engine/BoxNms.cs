using Seer.Core.Geometry;

namespace Seer.Training.Engine;

/// <summary>Greedy per-class non-maximum suppression over scored boxes.</summary>
public static class BoxNms
{
    public static List<int> Apply(IReadOnlyList<BoxXyxy> boxes, IReadOnlyList<float> scores, IReadOnlyList<int> classes, double iou, int maxKeep)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(classes);
        int[] order = Enumerable.Range(0, boxes.Count).OrderByDescending(i => scores[i]).ToArray();
        var removed = new bool[boxes.Count];
        var keep = new List<int>();
        for (int a = 0; a < order.Length && keep.Count < maxKeep; a++)
        {
            int i = order[a];
            if (removed[i]) continue;
            keep.Add(i);
            for (int b = a + 1; b < order.Length; b++)
            {
                int j = order[b];
                if (!removed[j] && classes[j] == classes[i] && BoxXyxy.IoU(boxes[i], boxes[j]) > iou) removed[j] = true;
            }
        }
        return keep;
    }
}
