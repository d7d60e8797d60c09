namespace Seer.Training.Engine;

/// <summary>
/// The evaluator's <c>ToJson()</c> dictionary as the registry stores it (model.json "metrics"): same keys, null values
/// left out.
/// </summary>
public static class MetricJson
{
    public static Dictionary<string, object> From(IReadOnlyDictionary<string, object?> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var result = new Dictionary<string, object>(json.Count, StringComparer.Ordinal);
        foreach (var (key, value) in json)
            if (value is not null) result[key] = value;
        return result;
    }
}
