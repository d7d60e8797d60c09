using System.Globalization;

namespace Seer.Formats.Common;

/// <summary>Invariant-culture number parsing and shortest round-trip formatting for every text format.</summary>
internal static class Num
{
    public static bool TryParse(string? text, out double value) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryParseInt(string? text, out int value) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    /// <summary>Shortest text that parses back to the same double ("191", "107.36900369003689").</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
