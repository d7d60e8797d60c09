using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seer.Cli;

/// <summary>Writes command results: JSON for scripts (--json), tables and text for people.</summary>
public static class Output
{
    /// <summary>JSON settings for everything the CLI prints: snake_case-free (keys are spelled by callers), indented.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Json(object? value) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
}
