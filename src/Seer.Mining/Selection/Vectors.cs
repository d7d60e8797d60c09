namespace Seer.Mining.Selection;

/// <summary>Small vector helpers: L2 normalisation and Euclidean distance.</summary>
internal static class Vectors
{
    public static float[] Normalised(float[] v)
    {
        double s = 0;
        foreach (var x in v) s += (double)x * x;
        var r = new float[v.Length];
        if (s <= 0) return r;
        float inv = (float)(1 / Math.Sqrt(s));
        for (int i = 0; i < v.Length; i++) r[i] = v[i] * inv;
        return r;
    }

    public static double Distance(float[] a, float[] b)
    {
        if (a.Length != b.Length)
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput,
                $"feature vectors differ in length ({a.Length} and {b.Length}); every image needs features from the same model");
        double s = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; s += d * d; }
        return Math.Sqrt(s);
    }
}
