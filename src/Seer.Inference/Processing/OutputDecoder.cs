using Seer.Core.Inference;

namespace Seer.Inference.Processing;

/// <summary>
/// Reads detector outputs of one batch item into candidate boxes in network-input pixels, keeping per box its best
/// class when that score reaches the threshold.
/// </summary>
internal static class OutputDecoder
{
    /// <param name="first">Output 0 of the whole batch and its shape.</param>
    /// <param name="second">Output 1 (scores of boxes_scores), or empty.</param>
    public static List<ScoredBox> Detections(InferenceSpec spec, ReadOnlySpan<float> first, long[] firstShape,
        ReadOnlySpan<float> second, long[] secondShape, int item, float threshold)
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
                    (int cls, float best) = ArgMax(row.Slice(5, classes));
                    float score = obj * best;
                    if (score >= threshold) result.Add(Centre(row[0] * sx, row[1] * sy, row[2] * sx, row[3] * sy, cls, score));
                }
                break;
            }
            case OutputLayout.YoloV8:
            {
                int rows = (int)firstShape[1], boxes = (int)firstShape[2];
                var data = first.Slice(item * rows * boxes, rows * boxes);
                for (int b = 0; b < boxes; b++)
                {
                    int cls = -1;
                    float best = float.NegativeInfinity;
                    for (int c = 0; c < classes; c++)
                    {
                        float v = data[(4 + c) * boxes + b];
                        if (v > best) { best = v; cls = c; }
                    }
                    if (best < threshold) continue;
                    result.Add(Centre(data[b] * sx, data[boxes + b] * sy, data[2 * boxes + b] * sx, data[3 * boxes + b] * sy, cls, best));
                }
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
                    int cls = -1;
                    float best = float.NegativeInfinity;
                    for (int c = 0, id = 0; c < columns; c++)
                    {
                        if (c == bg) continue;
                        if (row[c] > best) { best = row[c]; cls = id; }
                        id++;
                    }
                    if (best < threshold) continue;
                    float a = coords[b * 4] * sx, bb = coords[b * 4 + 1] * sy, cc = coords[b * 4 + 2] * sx, d = coords[b * 4 + 3] * sy;
                    result.Add(spec.BoxFormat == "cxcywh" ? Centre(a, bb, cc, d, cls, best) : new ScoredBox(a, bb, cc, d, cls, best));
                }
                break;
            }
            default:
                throw new InvalidOperationException($"{spec.OutputLayout} is not a detector layout");
        }
        return result;
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

    private static (int Index, float Value) ArgMax(ReadOnlySpan<float> values)
    {
        int index = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[index]) index = i;
        return (index, values[index]);
    }
}
