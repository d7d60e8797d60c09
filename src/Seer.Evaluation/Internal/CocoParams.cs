namespace Seer.Evaluation.Internal;

/// <summary>COCOeval's default box parameters, computed as numpy computes them (so thresholds compare bit-equal).</summary>
internal static class CocoParams
{
    /// <summary>np.linspace(.5, 0.95, 10).</summary>
    public static readonly double[] IouThresholds = Linspace(0.5, 0.95, 10);

    /// <summary>np.linspace(.0, 1.00, 101).</summary>
    public static readonly double[] RecallThresholds = Linspace(0.0, 1.0, 101);

    public static readonly int[] MaxDets = [1, 10, 100];

    /// <summary>all, small, medium, large; both ends inclusive as in COCOeval.</summary>
    public static readonly double[] AreaLo = [0, 0, 32 * 32, 96 * 96];
    public static readonly double[] AreaHi = [1e10, 32 * 32, 96 * 96, 1e10];

    public const int T = 10, R = 101, A = 4, M = 3;

    /// <summary>numpy.spacing(1): the eps COCOeval adds to tp + fp.</summary>
    public const double Spacing1 = 2.220446049250313e-16;

    /// <summary>numpy.linspace: y[i] = i * ((stop - start) / (num - 1)) + start, last element = stop.</summary>
    private static double[] Linspace(double start, double stop, int num)
    {
        double step = (stop - start) / (num - 1);
        var y = new double[num];
        for (int i = 0; i < num; i++) y[i] = i * step + start;
        y[num - 1] = stop;
        return y;
    }
}
