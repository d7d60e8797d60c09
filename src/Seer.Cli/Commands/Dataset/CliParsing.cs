using System.Globalization;
using Seer.Core.Errors;

namespace Seer.Cli.Commands.Dataset;

/// <summary>Parses the small value syntaxes of the dataset commands (OLD=NEW maps, comma lists).</summary>
internal static class CliParsing
{
    /// <summary>"a=b" pairs from repeated options (each may also hold several pairs separated by commas).</summary>
    public static Dictionary<string, string> Map(IEnumerable<string>? values, string option)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
            foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == pair.Length - 1)
                    throw new SeerException(ErrorCodes.InvalidOptions, $"{option} expects FROM=TO (was '{pair}')");
                map[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
        return map;
    }

    public static List<string> List(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    public static List<double> Ratios(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new List<double>();
        foreach (var p in parts)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double r))
                throw new SeerException(ErrorCodes.InvalidOptions, $"--ratios expects TRAIN,VAL,TEST numbers such as 0.8,0.1,0.1 (was '{text}')");
            result.Add(r);
        }
        if (result.Count == 2) result.Add(0);
        return result;
    }

    public static T Enum<T>(string text, string option) where T : struct, System.Enum =>
        System.Enum.TryParse<T>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw new SeerException(ErrorCodes.InvalidOptions,
                $"{option} must be one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))} (was '{text}')");
}
