using Seer.Core.Errors;
using Seer.Search.Projection;

namespace Seer.Search.Tests;

public class ProjectionTests
{
    [Fact]
    public void Pca_FindsThePlaneOfLargestVariance_Deterministically()
    {
        // 500 points in 24-d: coefficient s along u (sd 10), t along w (sd 3), tiny noise elsewhere; u, w orthonormal and
        // not aligned with the axes.
        const int n = 500, d = 24;
        var rng = new Random(7);
        var u = new double[d];
        var w = new double[d];
        for (int c = 0; c < d; c++)
        {
            u[c] = c < 12 ? 1 : 0;
            w[c] = c % 2 == 0 ? 1 : -1;
        }
        double nu = Math.Sqrt(u.Sum(x => x * x));
        for (int c = 0; c < d; c++) u[c] /= nu;
        double dot = u.Zip(w, (p, q) => p * q).Sum();
        for (int c = 0; c < d; c++) w[c] -= dot * u[c];
        double nw = Math.Sqrt(w.Sum(x => x * x));
        for (int c = 0; c < d; c++) w[c] /= nw;
        var s = new double[n];
        var t = new double[n];
        var vectors = new List<float[]>();
        for (int i = 0; i < n; i++)
        {
            s[i] = Gauss(rng) * 10;
            t[i] = Gauss(rng) * 3;
            var v = new float[d];
            for (int c = 0; c < d; c++) v[c] = (float)(5 + s[i] * u[c] + t[i] * w[c] + Gauss(rng) * 0.01);
            vectors.Add(v);
        }
        var map = PlaneProjection.Pca(vectors);
        Assert.Equal(n, map.X.Length);
        Assert.True(Math.Abs(Correlation(map.X, s)) > 0.999, $"x ~ s: {Correlation(map.X, s)}");
        Assert.True(Math.Abs(Correlation(map.Y, t)) > 0.999, $"y ~ t: {Correlation(map.Y, t)}");
        Assert.InRange(map.ExplainedVariance, 0.999, 1.0);
        Assert.InRange(Math.Abs(map.X.Average()), 0, 0.5); // centred
        var again = PlaneProjection.Pca(vectors);
        Assert.Equal(map.X, again.X);
        Assert.Equal(map.Y, again.Y);
    }

    [Fact]
    public void Pca_RefusesRaggedOrNonFiniteVectors_AndMapsNothingToNothing()
    {
        Assert.Empty(PlaneProjection.Pca([]).X);
        var ragged = Assert.Throws<SeerException>(() => PlaneProjection.Pca([new float[3], new float[2]]));
        Assert.Contains("vector 1 has 2 values", ragged.Message, StringComparison.Ordinal);
        Assert.Throws<SeerException>(() => PlaneProjection.Pca([new float[] { 1, float.NaN }]));
        var same = PlaneProjection.Pca([new float[] { 1, 2 }, new float[] { 1, 2 }]);
        Assert.Equal([0f, 0f], same.X);
    }

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static double Correlation(float[] a, double[] b)
    {
        double ma = a.Average(x => (double)x), mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}
