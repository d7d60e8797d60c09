using System.Text.Json;
using Seer.Training.Options;

namespace TrainBench;

internal static class BenchOptions
{
    /// <summary>Applies key=value overrides (numbers and words) to options through the params-file path.</summary>
    public static TrainingOptions Apply(TrainingOptions o, IReadOnlyDictionary<string, string> overrides)
    {
        if (overrides.Count == 0) return o;
        var json = "{" + string.Join(",", overrides.Select(p =>
            $"\"{p.Key}\":" + (double.TryParse(p.Value, System.Globalization.CultureInfo.InvariantCulture, out _) || p.Value is "true" or "false"
                ? p.Value : JsonSerializer.Serialize(p.Value)))) + "}";
        return TrainingOptionsLoader.Apply(o, json, "command line");
    }
}
