using System.Globalization;
using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Hosting.Jobs.Kinds;

/// <summary>Reads job parameters, refusing missing or mistyped fields with the field's name.</summary>
internal static class JobParameters
{
    public static string RequiredString(JsonElement p, string name, string kind) =>
        OptionalString(p, name, kind) is { Length: > 0 } s ? s
            : throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameter '{name}' is required (a non-empty string)", name);

    public static string? OptionalString(JsonElement p, string name, string kind)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString()
            : throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameter '{name}' must be a string, not {v.ValueKind}", name);
    }

    public static double? OptionalNumber(JsonElement p, string name, string kind)
    {
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameter '{name}' must be a number, not {v.ValueKind}", name);
    }

    public static int? OptionalInt(JsonElement p, string name, string kind, int min, int max)
    {
        if (OptionalNumber(p, name, kind) is not { } v) return null;
        if (v != Math.Floor(v) || v < min || v > max)
            throw new SeerException(ErrorCodes.InvalidInput, $"{kind} job: parameter '{name}' must be a whole number in {min}..{max} (was {Describe(v)})", name);
        return (int)v;
    }

    public static string Describe(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
