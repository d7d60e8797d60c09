using Seer.Core.Geometry;
using Seer.Training.Models;

namespace Seer.Training.Data;

/// <summary>
/// FCOS target assignment on the CPU (worker threads): each location (centre of a cell of stride 8, 16 or 32) is
/// positive for the smallest box that contains it within a centre region of CenterRadius (default 1.5) strides around the box centre and
/// whose largest side distance falls in the level's range (stride 8: up to 4·8·2=64 px, 16: 64..128, 32: above 128,
/// for a 256 input; ranges scale with the input). Targets: class, distances to the box sides, centerness.
/// </summary>
public sealed class FcosTargets
{
    public FcosTargets(int imageSize, double centerRadius = 1.5)
    {
        ImageSize = imageSize;
        CenterRadius = centerRadius;
        var xs = new List<float>();
        var ys = new List<float>();
        var strides = new List<float>();
        foreach (int stride in FcosLite.Strides)
        {
            int cells = imageSize / stride;
            for (int gy = 0; gy < cells; gy++)
            for (int gx = 0; gx < cells; gx++)
            {
                xs.Add((gx + 0.5f) * stride);
                ys.Add((gy + 0.5f) * stride);
                strides.Add(stride);
            }
        }
        X = xs.ToArray();
        Y = ys.ToArray();
        Stride = strides.ToArray();
        double unit = imageSize / 256.0;
        Limits = [(0, 64 * unit), (64 * unit, 128 * unit), (128 * unit, double.PositiveInfinity)];
    }

    public int ImageSize { get; }

    /// <summary>Centre sampling radius in strides (FCOS: 1.5).</summary>
    public double CenterRadius { get; }
    public int Locations => X.Length;
    public float[] X { get; }
    public float[] Y { get; }
    public float[] Stride { get; }
    private (double Min, double Max)[] Limits { get; }

    /// <summary>Writes one image's targets at location offset <paramref name="offset"/> of the batch arrays.</summary>
    public int Assign(BoxXyxy[] boxes, int[] classes, int[] classTargets, float[] boxTargets, float[] centerness, int offset)
    {
        int positives = 0;
        for (int a = 0; a < X.Length; a++)
        {
            classTargets[offset + a] = -1;
            double px = X[a], py = Y[a], stride = Stride[a];
            int level = stride == 8 ? 0 : stride == 16 ? 1 : 2;
            int best = -1;
            double bestArea = double.MaxValue;
            for (int i = 0; i < boxes.Length; i++)
            {
                BoxXyxy b = boxes[i];
                double l = px - b.X1, t = py - b.Y1, r = b.X2 - px, bt = b.Y2 - py;
                if (Math.Min(Math.Min(l, t), Math.Min(r, bt)) <= 0) continue;
                double radius = CenterRadius * stride;
                if (Math.Abs(px - b.CenterX) > radius || Math.Abs(py - b.CenterY) > radius) continue;
                double m = Math.Max(Math.Max(l, t), Math.Max(r, bt));
                if (m < Limits[level].Min || m > Limits[level].Max) continue;
                if (b.Area < bestArea) { bestArea = b.Area; best = i; }
            }
            if (best < 0) continue;
            BoxXyxy g = boxes[best];
            float lt = (float)(px - g.X1), tp = (float)(py - g.Y1), rt = (float)(g.X2 - px), bm = (float)(g.Y2 - py);
            classTargets[offset + a] = classes[best];
            int o4 = (offset + a) * 4;
            boxTargets[o4] = lt; boxTargets[o4 + 1] = tp; boxTargets[o4 + 2] = rt; boxTargets[o4 + 3] = bm;
            centerness[offset + a] = MathF.Sqrt(Math.Min(lt, rt) / Math.Max(lt, rt) * (Math.Min(tp, bm) / Math.Max(tp, bm)));
            positives++;
        }
        return positives;
    }
}
