using Seer.Core.Errors;

namespace Seer.Mining.Fields;

/// <summary>
/// Per-image ("brain") fields computed from a model's outputs over a version, for the data browser to filter and sort:
/// uniqueness from feature-space neighbours and the mistakenness of a label (near-duplicate groups come from
/// Seer.Data's DatasetOperations.NearDuplicateGroups, the same clustering as dedup --near).
/// Pure arithmetic over what the caller read (no runtime inside, like the rest of Seer.Mining).
/// </summary>
public static class SampleFields
{
    /// <summary>
    /// Uniqueness of each image: the mean cosine distance (1 − cosine similarity) to its <paramref name="k"/> nearest
    /// other images in feature space, divided by the largest such mean so the most isolated image has 1. Exact (every
    /// pair is compared, blockwise), so O(n² d): meant for versions up to tens of thousands of images.
    /// </summary>
    public static double[] Uniqueness(IReadOnlyList<float[]> features, int k)
    {
        ArgumentNullException.ThrowIfNull(features);
        int n = features.Count;
        if (n < 2) return n == 1 ? [1.0] : [];
        if (k < 1) throw new SeerException(ErrorCodes.InvalidInput, $"uniqueness: k must be at least 1 (was {k})", "k");
        k = Math.Min(k, n - 1);
        int d = features[0].Length;
        var unit = new float[n][];
        for (int i = 0; i < n; i++)
        {
            if (features[i].Length != d)
                throw new SeerException(ErrorCodes.InvalidInput, $"uniqueness: feature {i} has {features[i].Length} values, the first has {d}", "features");
            var v = features[i].ToArray();
            double norm = Math.Sqrt(Dot(v, v));
            if (norm > 0)
                for (int c = 0; c < d; c++) v[c] = (float)(v[c] / norm);
            unit[i] = v;
        }
        var mean = new double[n];
        Parallel.For(0, n, i =>
        {
            // The k largest similarities to other images, kept in a small sorted array (k is small).
            var best = new float[k];
            Array.Fill(best, float.NegativeInfinity);
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                float s = (float)Dot(unit[i], unit[j]);
                if (s <= best[k - 1]) continue;
                int at = k - 1;
                while (at > 0 && best[at - 1] < s)
                {
                    best[at] = best[at - 1];
                    at--;
                }
                best[at] = s;
            }
            double sum = 0;
            foreach (float s in best) sum += 1 - Math.Clamp(s, -1f, 1f);
            mean[i] = sum / k;
        });
        double max = mean.Max();
        return max > 0 ? mean.Select(m => m / max).ToArray() : mean;
    }

    private static double Dot(float[] a, float[] b)
    {
        var va = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(a);
        var vb = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(b);
        var acc = System.Numerics.Vector<float>.Zero;
        for (int i = 0; i < va.Length; i++) acc += va[i] * vb[i];
        double sum = System.Numerics.Vector.Sum(acc);
        for (int i = va.Length * System.Numerics.Vector<float>.Count; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// How strongly a classifier disagrees with an image's label: 1 − the probability it gives the labelled class
    /// (0 when it is sure of the label, near 1 when it is sure of another class). Null without a label or its score.
    /// </summary>
    public static double? Mistakenness(string? label, IReadOnlyList<(string Label, float Score)> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (label is null) return null;
        foreach (var (l, s) in scores)
            if (l == label) return 1 - Math.Clamp(s, 0f, 1f);
        return null;
    }
}
