using System.Text.Json.Serialization;

namespace Seer.Data.Stats;

/// <summary>Summary of a set of numbers: count, min, quartiles, max and mean (zeros when empty).</summary>
public sealed record Distribution(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("p25")] double P25,
    [property: JsonPropertyName("median")] double Median,
    [property: JsonPropertyName("p75")] double P75,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("mean")] double Mean)
{
    public static Distribution Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0) return new Distribution(0, 0, 0, 0, 0, 0, 0);
        Array.Sort(sorted);
        return new Distribution(sorted.Length, sorted[0], Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75),
            sorted[^1], Math.Round(sorted.Average(), 4));
    }

    /// <summary>Linear interpolation between closest ranks.</summary>
    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return Math.Round(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo), 4);
    }
}
