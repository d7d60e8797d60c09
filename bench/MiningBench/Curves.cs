using System.Globalization;

namespace MiningBench;

/// <summary>Metric-against-labels curves per strategy (mean ± sd over seeds) and the labels each needs to reach random's final metric.</summary>
internal static class Curves
{
    public static string Report(string title, string metric, IReadOnlyDictionary<string, List<List<(int Labelled, double Value)>>> runs)
    {
        var w = new System.Text.StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        w.AppendLine(inv, $"## {title}: {metric} against labelled images (mean ± sd over {runs.Values.First().Count} seeds)");
        var mean = runs.ToDictionary(r => r.Key, r => Mean(r.Value));
        int rounds = mean.Values.Min(m => m.Count);
        w.Append("| labelled |");
        foreach (var s in runs.Keys) w.Append(inv, $" {s} |");
        w.AppendLine();
        w.Append("|---|");
        foreach (var _ in runs.Keys) w.Append("---|");
        w.AppendLine();
        for (int i = 0; i < rounds; i++)
        {
            w.Append(inv, $"| {mean.Values.First()[i].Labelled} |");
            foreach (var s in runs.Keys) w.Append(inv, $" {mean[s][i].Mean:0.0000} ± {mean[s][i].Sd:0.0000} |");
            w.AppendLine();
        }
        if (!mean.ContainsKey("random")) return w.ToString();
        var random = mean["random"];
        double target = random[rounds - 1].Mean;
        int randomLabels = random[rounds - 1].Labelled;
        w.AppendLine(inv, $"labels needed to reach random's final {metric} {target:0.0000} (random: {randomLabels}):");
        foreach (var (s, curve) in mean)
        {
            double? needed = LabelsToReach(curve.Take(rounds).Select(c => (c.Labelled, c.Mean)).ToList(), target);
            w.AppendLine(needed is double n
                ? string.Create(inv, $"  {s,-10} {n,8:0} labels = {n / randomLabels:0.00} x random's")
                : string.Create(inv, $"  {s,-10} not reached within {curve[rounds - 1].Labelled} labels (final {curve[rounds - 1].Mean:0.0000})"));
        }
        return w.ToString();
    }

    /// <summary>Linear interpolation of the first crossing of <paramref name="target"/>; null when the curve never gets there.</summary>
    public static double? LabelsToReach(IReadOnlyList<(int Labelled, double Value)> curve, double target)
    {
        if (curve.Count == 0) return null;
        if (curve[0].Value >= target) return curve[0].Labelled;
        for (int i = 1; i < curve.Count; i++)
        {
            var (l0, v0) = curve[i - 1];
            var (l1, v1) = curve[i];
            if (v1 >= target) return l0 + (l1 - l0) * (target - v0) / Math.Max(v1 - v0, 1e-12);
        }
        return null;
    }

    private static List<(int Labelled, double Mean, double Sd)> Mean(List<List<(int Labelled, double Value)>> seeds)
    {
        int n = seeds.Min(s => s.Count);
        var result = new List<(int, double, double)>();
        for (int i = 0; i < n; i++)
        {
            var values = seeds.Select(s => s[i].Value).ToArray();
            double m = values.Average();
            double sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / (values.Length - 1)) : 0;
            result.Add(((int)Math.Round(seeds.Average(s => s[i].Labelled)), m, sd));
        }
        return result;
    }
}
