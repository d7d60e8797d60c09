using Seer.Core.Geometry;
using Seer.Training.Data;

namespace Seer.Training.Engine;

/// <summary>
/// Turns FcosLite's raw output for one image ([A, 5 + classes] floats) into scored boxes in canvas pixels:
/// distances exp(v) · stride around each location, score sqrt(sigmoid(class) · sigmoid(centerness)), a score
/// threshold, the 1000 best candidates, per-class NMS, at most 100 boxes.
/// </summary>
public static class FcosDecoder
{
    public readonly record struct Detection(BoxXyxy Box, int Class, float Score);

    public static List<Detection> Decode(ReadOnlySpan<float> output, int classes, FcosTargets grid, double scoreThreshold, double nmsIoU)
    {
        ArgumentNullException.ThrowIfNull(grid);
        int width = 5 + classes;
        var candidates = new List<(int Location, int Class, float Score)>();
        for (int a = 0; a < grid.Locations; a++)
        {
            ReadOnlySpan<float> row = output.Slice(a * width, width);
            float ctr = Sigmoid(row[4]);
            for (int c = 0; c < classes; c++)
            {
                float score = MathF.Sqrt(Sigmoid(row[5 + c]) * ctr);
                if (score >= scoreThreshold) candidates.Add((a, c, score));
            }
        }
        if (candidates.Count > 1000) candidates = candidates.OrderByDescending(p => p.Score).Take(1000).ToList();
        var boxes = new List<BoxXyxy>(candidates.Count);
        foreach (var (a, _, _) in candidates)
        {
            ReadOnlySpan<float> row = output.Slice(a * width, 4);
            float s = grid.Stride[a];
            boxes.Add(new BoxXyxy(
                grid.X[a] - Dist(row[0], s), grid.Y[a] - Dist(row[1], s),
                grid.X[a] + Dist(row[2], s), grid.Y[a] + Dist(row[3], s)));
        }
        var keep = BoxNms.Apply(boxes, candidates.Select(p => p.Score).ToList(), candidates.Select(p => p.Class).ToList(), nmsIoU, 100);
        return keep.Select(i => new Detection(boxes[i], candidates[i].Class, candidates[i].Score)).ToList();
    }

    private static float Dist(float raw, float stride) => MathF.Exp(Math.Clamp(raw, -8f, 8f)) * stride;

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
