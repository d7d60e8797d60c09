using System.Globalization;

namespace Seer.Formats.Common;

/// <summary>Invariant-culture number parsing and shortest round-trip formatting for every text format.</summary>
internal static class Num
{
    /// <summary>A finite number ("1e400", "NaN" and "Infinity" are not: they fail like any other non-number).</summary>
    public static bool TryParse(string? text, out double value) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Why a text is not a finite number, for messages ("'1e400' is not a finite number").</summary>
    public static string NotFinite(string? text) => $"'{text?.Trim()}' is not a finite number";

    public static bool TryParseInt(string? text, out int value) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    /// <summary>Shortest text that parses back to the same double ("191", "107.36900369003689").</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
