using Seer.Core.Errors;

namespace Seer.Search.Projection;

/// <summary>Points of a 2-D map of feature vectors, in the order given, and the share of the variance the plane keeps.</summary>
public sealed record PlaneMap(float[] X, float[] Y, double ExplainedVariance);

/// <summary>
/// Projects feature vectors onto a plane for a map: principal component analysis, the plane of the two directions of
/// largest variance, found by subspace (block power) iteration on the centred data without forming the d × d
/// covariance, so it costs O(iterations · n · d) and memory O(n · d) for the input only. Deterministic: the start
/// vectors are fixed and each axis's sign is chosen so its largest-magnitude coefficient is positive.
/// Linear on purpose: distances along the axes keep their meaning and the same vectors always give the same map.
/// </summary>
public static class PlaneProjection
{
    public static PlaneMap Pca(IReadOnlyList<float[]> vectors, int iterations = 60)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        int n = vectors.Count;
        if (n == 0) return new PlaneMap([], [], 0);
        int d = vectors[0].Length;
        if (d == 0) throw new SeerException(ErrorCodes.InvalidInput, "projection: vectors have no values", "vectors");
        var mean = new double[d];
        for (int i = 0; i < n; i++)
        {
            var v = vectors[i];
            if (v.Length != d)
                throw new SeerException(ErrorCodes.InvalidInput, $"projection: vector {i} has {v.Length} values, the first has {d}", "vectors");
            for (int c = 0; c < d; c++)
            {
                if (!float.IsFinite(v[c])) throw new SeerException(ErrorCodes.InvalidInput, $"projection: vector {i} has a non-finite value", "vectors");
                mean[c] += v[c];
            }
        }
        for (int c = 0; c < d; c++) mean[c] /= n;
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++)
            {
                double x = vectors[i][c] - mean[c];
                total += x * x;
            }

        // Two start directions that are not orthogonal to typical data: all-ones and alternating signs with a ramp.
        var a = new double[d];
        var b = new double[d];
        for (int c = 0; c < d; c++)
        {
            a[c] = 1;
            b[c] = (c % 2 == 0 ? 1 : -1) * (1 + c / (double)d);
        }
        Orthonormalise(a, b);
        var proj = new double[n * 2];
        for (int it = 0; it < iterations; it++)
        {
            // (A B) ← Xᵀ X (A B), X centred; then Gram-Schmidt.
            Parallel.For(0, n, i =>
            {
                var v = vectors[i];
                double pa = 0, pb = 0;
                for (int c = 0; c < d; c++)
                {
                    double x = v[c] - mean[c];
                    pa += x * a[c];
                    pb += x * b[c];
                }
                proj[2 * i] = pa;
                proj[2 * i + 1] = pb;
            });
            var na = new double[d];
            var nb = new double[d];
            for (int i = 0; i < n; i++)
            {
                var v = vectors[i];
                double pa = proj[2 * i], pb = proj[2 * i + 1];
                for (int c = 0; c < d; c++)
                {
                    double x = v[c] - mean[c];
                    na[c] += x * pa;
                    nb[c] += x * pb;
                }
            }
            if (Norm(na) == 0) break; // every vector is the mean: nothing to spread
            a = na;
            b = nb;
            Orthonormalise(a, b);
        }
        // The first axis converged to the largest component (plain power iteration), the second to the next; fixed signs.
        Sign(a);
        Sign(b);
        var xs = new float[n];
        var ys = new float[n];
        double kept = 0;
        for (int i = 0; i < n; i++)
        {
            var v = vectors[i];
            double pa = 0, pb = 0;
            for (int c = 0; c < d; c++)
            {
                double t = v[c] - mean[c];
                pa += t * a[c];
                pb += t * b[c];
            }
            xs[i] = (float)pa;
            ys[i] = (float)pb;
            kept += pa * pa + pb * pb;
        }
        return new PlaneMap(xs, ys, total > 0 ? kept / total : 0);
    }

    private static void Orthonormalise(double[] a, double[] b)
    {
        double na = Norm(a);
        if (na > 0)
            for (int c = 0; c < a.Length; c++) a[c] /= na;
        double dot = 0;
        for (int c = 0; c < a.Length; c++) dot += a[c] * b[c];
        for (int c = 0; c < a.Length; c++) b[c] -= dot * a[c];
        double nb = Norm(b);
        if (nb > 0)
            for (int c = 0; c < b.Length; c++) b[c] /= nb;
    }

    private static double Norm(double[] v)
    {
        double s = 0;
        foreach (double x in v) s += x * x;
        return Math.Sqrt(s);
    }

    private static void Sign(double[] v)
    {
        int at = 0;
        for (int c = 1; c < v.Length; c++)
            if (Math.Abs(v[c]) > Math.Abs(v[at])) at = c;
        if (v[at] < 0)
            for (int c = 0; c < v.Length; c++) v[c] = -v[c];
    }
}
