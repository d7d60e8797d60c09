using Seer.Core.Inference;

namespace Seer.Inference.Processing;

/// <summary>
/// Reads detector outputs of one batch item into candidate boxes in network-input pixels: every (box, class) pair whose
/// score reaches the threshold (multi-label, as the training side's FcosDecoder and COCO evaluation do), enumerated box
/// by box and class by class, then the <c>maxCandidates</c> best (stable), ready for class-aware NMS.
/// </summary>
internal static class OutputDecoder
{
    /// <param name="first">Output 0 of the whole batch and its shape.</param>
    /// <param name="second">Output 1 (scores of boxes_scores), or empty.</param>
    public static List<ScoredBox> Detections(InferenceSpec spec, ReadOnlySpan<float> first, long[] firstShape,
        ReadOnlySpan<float> second, long[] secondShape, int item, float threshold, int maxCandidates)
    {
        var result = new List<ScoredBox>();
        int classes = spec.ClassNames.Count;
        float sx = spec.BoxesNormalized ? spec.InputWidth : 1f, sy = spec.BoxesNormalized ? spec.InputHeight : 1f;
        switch (spec.OutputLayout)
        {
            case OutputLayout.YoloV5:
            {
                int boxes = (int)firstShape[1], stride = (int)firstShape[2];
                var data = first.Slice(item * boxes * stride, boxes * stride);
                for (int b = 0; b < boxes; b++)
                {
                    var row = data.Slice(b * stride, stride);
                    float obj = row[4];
                    if (obj < threshold) continue;
                    for (int c = 0; c < classes; c++)
                    {
                        float score = obj * row[5 + c];
                        if (score >= threshold) result.Add(Centre(row[0] * sx, row[1] * sy, row[2] * sx, row[3] * sy, c, score));
                    }
                }
                break;
            }
            case OutputLayout.YoloV8:
            {
                int rows = (int)firstShape[1], boxes = (int)firstShape[2];
                var data = first.Slice(item * rows * boxes, rows * boxes);
                // Scan class rows in memory order (reading box by box would stride 4·boxes bytes per read: ~3 ms for
                // [84, 8400]), then put the few hits back in box-by-box, class-by-class order for the stable top-k.
                var hits = new List<(int Box, int Class)>();
                for (int c = 0; c < classes; c++)
                {
                    var scores = data.Slice((4 + c) * boxes, boxes);
                    for (int b = 0; b < scores.Length; b++)
                        if (scores[b] >= threshold) hits.Add((b, c));
                }
                hits.Sort();
                foreach (var (b, c) in hits)
                    result.Add(Centre(data[b] * sx, data[boxes + b] * sy, data[2 * boxes + b] * sx, data[3 * boxes + b] * sy, c, data[(4 + c) * boxes + b]));
                break;
            }
            case OutputLayout.BoxesScores:
            {
                int boxes = (int)firstShape[1], columns = (int)secondShape[2];
                var coords = first.Slice(item * boxes * 4, boxes * 4);
                var scores = second.Slice(item * boxes * columns, boxes * columns);
                int bg = spec.BackgroundColumn;
                for (int b = 0; b < boxes; b++)
                {
                    var row = scores.Slice(b * columns, columns);
                    for (int c = 0, id = 0; c < columns; c++)
                    {
                        if (c == bg) continue;
                        float score = row[c];
                        if (score >= threshold)
                        {
                            float a = coords[b * 4] * sx, bb = coords[b * 4 + 1] * sy, cc = coords[b * 4 + 2] * sx, d = coords[b * 4 + 3] * sy;
                            result.Add(spec.BoxFormat == "cxcywh" ? Centre(a, bb, cc, d, id, score) : new ScoredBox(a, bb, cc, d, id, score));
                        }
                        id++;
                    }
                }
                break;
            }
            default:
                throw new InvalidOperationException($"{spec.OutputLayout} is not a detector layout");
        }
        return result.Count > maxCandidates ? Best(result, maxCandidates) : result;
    }

    /// <summary>Class probabilities of one batch item (softmax of logits when the layout says logits).</summary>
    public static float[] Probabilities(InferenceSpec spec, ReadOnlySpan<float> output, int item)
    {
        int classes = spec.ClassNames.Count;
        var p = output.Slice(item * classes, classes).ToArray();
        if (spec.OutputLayout == OutputLayout.ClassifierLogits)
        {
            float max = p.Max();
            double sum = 0;
            for (int i = 0; i < p.Length; i++) { p[i] = MathF.Exp(p[i] - max); sum += p[i]; }
            for (int i = 0; i < p.Length; i++) p[i] = (float)(p[i] / sum);
        }
        return p;
    }

    private static ScoredBox Centre(float cx, float cy, float w, float h, int cls, float score) =>
        new(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, cls, score);

    /// <summary>The <paramref name="count"/> highest-scored candidates, ties in enumeration order (a stable sort).</summary>
    private static List<ScoredBox> Best(List<ScoredBox> candidates, int count) =>
        candidates.OrderByDescending(c => c.Score).Take(count).ToList();
}
