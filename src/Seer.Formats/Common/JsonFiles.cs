using System.Globalization;
using System.Text.Json;
using Seer.Core.Errors;
using Seer.Core.Interchange;

namespace Seer.Formats.Common;

/// <summary>JSON parsing with the parser's line and position in the message, and tolerant field readers.</summary>
internal static class JsonFiles
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = false, MaxDepth = 256 };

    /// <summary>Parses a file; malformed JSON returns null with "malformed JSON at line L, position P: ...".</summary>
    public static JsonDocument? TryParse(IFileSource source, string path, out string reason)
    {
        try
        {
            using var stream = source.Open(path);
            reason = "";
            return JsonDocument.Parse(stream, Options);
        }
        catch (JsonException e)
        {
            reason = $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: " +
                     FirstSentence(e.Message);
            return null;
        }
    }

    /// <summary>Parses a file that the whole source depends on; malformed JSON throws naming the file.</summary>
    public static JsonDocument Parse(IFileSource source, string path) =>
        TryParse(source, path, out var reason)
        ?? throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display(path)}: {reason}", source.Display(path));

    public static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A JSON number that is finite as a double (System.Text.Json reads 1e400 as no double at all).</summary>
    public static bool Finite(JsonElement v, out double value)
    {
        value = 0;
        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out value) && double.IsFinite(value);
    }

    /// <summary>The first of the named properties that is a number but not a finite double, with its text; null when none.</summary>
    public static string? NonFinite(JsonElement e, params string[] names)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        foreach (var name in names)
            if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && !Finite(v, out _))
                return $"'{name}' {v.GetRawText()} is not a finite number";
        return null;
    }

    /// <summary>A finite number property, or null (absent, not a number, or out of the double range).</summary>
    public static double? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && Finite(v, out double d) ? d : null;

    public static long? Integer(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            && v.TryGetInt64(out long l) ? l : null;

    /// <summary>A property of a kind, or null.</summary>
    public static JsonElement? Get(JsonElement e, string name, JsonValueKind kind) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == kind ? v : null;

    /// <summary>An id that may be written as a number or a string, as text.</summary>
    public static string? Id(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number => Finite(v, out double d) ? d.ToString("R", CultureInfo.InvariantCulture) : v.GetRawText(),
            JsonValueKind.String => v.GetString(),
            _ => null,
        };
    }

    /// <summary>A scalar as attribute text: strings as they are, true/false, numbers as written.</summary>
    public static string? Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => Finite(v, out double d) ? d.ToString("R", CultureInfo.InvariantCulture) : v.GetRawText(),
        _ => null,
    };

    /// <summary>Writes an attribute value back with its JSON kind when it looks like one.</summary>
    public static void WriteScalar(Utf8JsonWriter w, string value)
    {
        if (value == "true") w.WriteBooleanValue(true);
        else if (value == "false") w.WriteBooleanValue(false);
        else w.WriteStringValue(value);
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
