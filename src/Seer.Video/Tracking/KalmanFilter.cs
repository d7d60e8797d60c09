namespace Seer.Video.Tracking;

/// <summary>
/// A linear Kalman filter whose measurement is the first four state components (H = [I₄ 0]) and whose motion model
/// adds each velocity component to its position component once per step (constant velocity, one frame per step).
/// Process and measurement noise are given per step, because the trackers scale them with the box's current size.
/// Small dense matrices (n ≤ 8); no allocation-free tricks needed at tens of tracks per frame.
/// </summary>
internal sealed class KalmanFilter
{
    private readonly int _n;
    private readonly int[] _velocityOf; // _velocityOf[i] = index of the velocity added to component i, or −1

    public double[] Mean { get; }
    public double[,] Covariance { get; }

    public KalmanFilter(double[] mean, double[] initialStd, int[] velocityOf)
    {
        _n = mean.Length;
        _velocityOf = velocityOf;
        Mean = (double[])mean.Clone();
        Covariance = new double[_n, _n];
        for (int i = 0; i < _n; i++) Covariance[i, i] = initialStd[i] * initialStd[i];
    }

    /// <summary>x ← F x; P ← F P Fᵀ + diag(q²).</summary>
    public void Predict(ReadOnlySpan<double> processStd)
    {
        for (int i = 0; i < _n; i++) if (_velocityOf[i] >= 0) Mean[i] += Mean[_velocityOf[i]];
        // F P: row i += row v(i); then (F P) Fᵀ: column i += column v(i).
        var p = Covariance;
        for (int i = 0; i < _n; i++)
        {
            int v = _velocityOf[i];
            if (v < 0) continue;
            for (int j = 0; j < _n; j++) p[i, j] += p[v, j];
        }
        for (int i = 0; i < _n; i++)
        {
            int v = _velocityOf[i];
            if (v < 0) continue;
            for (int j = 0; j < _n; j++) p[j, i] += p[j, v];
        }
        for (int i = 0; i < _n; i++) p[i, i] += processStd[i] * processStd[i];
    }

    /// <summary>Standard update with measurement z (4 values) and measurement noise diag(r²).</summary>
    public void Update(ReadOnlySpan<double> z, ReadOnlySpan<double> measurementStd)
    {
        var p = Covariance;
        // S = H P Hᵀ + R = P[0..4, 0..4] + R
        var s = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) s[i, j] = p[i, j] + (i == j ? measurementStd[i] * measurementStd[i] : 0);
        var sInv = Invert4(s);
        // K = P Hᵀ S⁻¹ = P[:, 0..4] S⁻¹  (n×4)
        var k = new double[_n, 4];
        for (int i = 0; i < _n; i++)
            for (int j = 0; j < 4; j++)
            {
                double acc = 0;
                for (int t = 0; t < 4; t++) acc += p[i, t] * sInv[t, j];
                k[i, j] = acc;
            }
        Span<double> y = stackalloc double[4];
        for (int i = 0; i < 4; i++) y[i] = z[i] - Mean[i];
        for (int i = 0; i < _n; i++)
        {
            double acc = 0;
            for (int t = 0; t < 4; t++) acc += k[i, t] * y[t];
            Mean[i] += acc;
        }
        // P ← (I − K H) P = P − K P[0..4, :]
        var top = new double[4, _n];
        for (int i = 0; i < 4; i++) for (int j = 0; j < _n; j++) top[i, j] = p[i, j];
        for (int i = 0; i < _n; i++)
            for (int j = 0; j < _n; j++)
            {
                double acc = 0;
                for (int t = 0; t < 4; t++) acc += k[i, t] * top[t, j];
                p[i, j] -= acc;
            }
    }

    /// <summary>Gauss–Jordan inverse of a symmetric positive definite 4×4 matrix, partial pivoting.</summary>
    internal static double[,] Invert4(double[,] m)
    {
        const int n = 4;
        var a = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) a[i, j] = m[i, j];
            a[i, n + i] = 1;
        }
        for (int c = 0; c < n; c++)
        {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[piv, c])) piv = r;
            if (Math.Abs(a[piv, c]) < 1e-300) throw new InvalidOperationException("singular innovation covariance");
            if (piv != c)
                for (int j = 0; j < 2 * n; j++) (a[c, j], a[piv, j]) = (a[piv, j], a[c, j]);
            double d = a[c, c];
            for (int j = 0; j < 2 * n; j++) a[c, j] /= d;
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                double f = a[r, c];
                if (f == 0) continue;
                for (int j = 0; j < 2 * n; j++) a[r, j] -= f * a[c, j];
            }
        }
        var inv = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) inv[i, j] = a[i, n + j];
        return inv;
    }
}
