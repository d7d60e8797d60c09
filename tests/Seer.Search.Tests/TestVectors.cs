namespace Seer.Search.Tests;

/// <summary>Deterministic test data: Gaussian vectors, clustered sets, and a naive search to compare against.</summary>
internal static class TestVectors
{
    public static float[] Gaussian(int rows, int dim, int seed, bool normalize = false)
    {
        var rng = new Random(seed);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++) data[i] = NextGaussian(rng);
        if (normalize) NormalizeRows(data, dim);
        return data;
    }

    /// <summary>Vectors scattered around <paramref name="clusters"/> random centres (the same for one centre seed), unit length.</summary>
    public static float[] Clustered(int rows, int dim, int clusters, float spread, int seed, int centreSeed = 1000)
    {
        var rng = new Random(seed);
        var centres = Gaussian(clusters, dim, centreSeed, normalize: true);
        var data = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            int c = rng.Next(clusters);
            for (int d = 0; d < dim; d++) data[r * dim + d] = centres[c * dim + d] + spread * NextGaussian(rng) / MathF.Sqrt(dim);
        }
        NormalizeRows(data, dim);
        return data;
    }

    public static void NormalizeRows(float[] data, int dim)
    {
        for (int r = 0; r < data.Length / dim; r++)
        {
            double s = 0;
            for (int d = 0; d < dim; d++) s += data[r * dim + d] * (double)data[r * dim + d];
            float inv = (float)(1 / Math.Sqrt(s));
            for (int d = 0; d < dim; d++) data[r * dim + d] *= inv;
        }
    }

    public static float NextGaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    public static string[] Ids(int n, string prefix = "") => Enumerable.Range(0, n).Select(i => prefix + i).ToArray();

    /// <summary>Naive scores of one query against every row, in double precision (similarity, or squared distance for L2).</summary>
    public static double[] NaiveScores(float[] data, int dim, ReadOnlySpan<float> query, DistanceMetric metric)
    {
        int rows = data.Length / dim;
        var q = query.ToArray();
        if (metric == DistanceMetric.Cosine) q = Normalized(q);
        var scores = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * dim, dim).ToArray();
            if (metric == DistanceMetric.Cosine) row = Normalized(row);
            double s = 0;
            for (int d = 0; d < dim; d++)
                s += metric == DistanceMetric.L2 ? (row[d] - (double)q[d]) * (row[d] - (double)q[d]) : row[d] * (double)q[d];
            scores[r] = s;
        }
        return scores;
    }

    private static float[] Normalized(float[] v)
    {
        var copy = (float[])v.Clone();
        NormalizeRows(copy, copy.Length);
        return copy;
    }

    public static string NewTempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "seer-search-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
