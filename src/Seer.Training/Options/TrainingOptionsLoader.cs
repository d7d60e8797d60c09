using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;

namespace Seer.Training.Options;

/// <summary>
/// The one way settings are resolved, for <c>seer train</c>/<c>seer iterate</c> flags, params files and the parameters of
/// training and iteration jobs: the task's defaults, then a JSON object of overrides applied over a base (params files:
/// camelCase names; jobs: snake_case names, see <see cref="SettingsSource"/>), then validation. Unknown names and
/// values of the wrong type are errors naming the source and the key; every <see cref="TrainingOptions"/> property is a
/// key, so a new setting is accepted everywhere without a second list.
/// </summary>
public static class TrainingOptionsLoader
{
    /// <summary>camelCase, as params files, model.json "parameters" and settings.json spell the settings.</summary>
    public static readonly JsonSerializerOptions Json = Options(JsonNamingPolicy.CamelCase);

    private static readonly ConcurrentDictionary<JsonNamingPolicy, JsonSerializerOptions> ByNaming = new() { [JsonNamingPolicy.CamelCase] = Json };

    private static JsonSerializerOptions Options(JsonNamingPolicy naming) => new()
    {
        PropertyNamingPolicy = naming,
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Every setting's key as <paramref name="source"/> spells it.</summary>
    public static IReadOnlyList<string> Keys(SettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return typeof(TrainingOptions).GetProperties().Select(p => source.Key(p.Name)).ToList();
    }

    /// <summary>Applies a JSON object of overrides (params file text) to <paramref name="baseOptions"/>.</summary>
    public static TrainingOptions Apply(TrainingOptions baseOptions, string json, string display)
    {
        var source = SettingsSource.ParamsFile(display);
        JsonObject overrides;
        try
        {
            overrides = JsonNode.Parse(json) as JsonObject
                ?? throw new SeerException(ErrorCodes.InvalidInput, $"params file '{display}' must hold a JSON object", display);
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"params file '{display}' is not valid JSON: {ex.Message}", display, ex);
        }
        return Apply(baseOptions, overrides, source);
    }

    /// <summary>
    /// Applies <paramref name="overrides"/> (keys spelled as <paramref name="source"/> spells them) over
    /// <paramref name="baseOptions"/>; unknown keys and mistyped values are invalid_input errors naming the key.
    /// </summary>
    public static TrainingOptions Apply(TrainingOptions baseOptions, JsonObject overrides, SettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(source);
        var options = ByNaming.GetOrAdd(source.Naming, Options);
        var merged = (JsonObject)JsonSerializer.SerializeToNode(baseOptions, options)!;
        foreach (var (key, value) in overrides)
        {
            if (!merged.ContainsKey(key))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{source.Display} sets unknown setting '{key}'; known: {string.Join(", ", merged.Select(p => p.Key))}", source.Path ?? key);
            merged[key] = value?.DeepClone();
        }
        try
        {
            return merged.Deserialize<TrainingOptions>(options)!;
        }
        catch (JsonException ex)
        {
            string key = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "?";
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{source.Display}: setting '{key}' has a value of the wrong type ({merged[key]?.ToJsonString() ?? "null"})", source.Path ?? key, ex);
        }
    }

    /// <summary>Reads a params file and applies it.</summary>
    public static TrainingOptions ApplyFile(TrainingOptions baseOptions, string path)
    {
        Core.Files.InputFiles.RequireRegular(path, "params file");
        return Apply(baseOptions, File.ReadAllText(path), path);
    }

    /// <summary>Fills task-dependent defaults (architecture, width, image size) left at zero/empty.</summary>
    public static TrainingOptions WithTaskDefaults(TrainingOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        string arch = o.Architecture.Length > 0 ? o.Architecture : o.Task == "detect" ? "fcos-lite" : "small-cnn";
        int width = o.Width > 0 ? o.Width : arch switch { "resnet18" => 64, "fcos-lite" => 64, "fcos-resnet18" => 96, _ => 32 };
        int size = o.ImageSize > 0 ? o.ImageSize : o.Task == "detect" ? 256 : 64;
        return o with { Architecture = arch, Width = width, ImageSize = size };
    }

    /// <summary>The setting names a params file sets (its top-level keys).</summary>
    public static IReadOnlyList<string> KeysOf(string path)
    {
        if (!File.Exists(path)) return [];
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject obj ? obj.Select(p => p.Key).ToList() : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Overrides, task defaults, then validation naming the source's keys: what a job or a command trains with.</summary>
    public static TrainingOptions Resolve(TrainingOptions baseOptions, JsonObject overrides, SettingsSource source)
    {
        var options = WithTaskDefaults(Apply(baseOptions, overrides, source));
        TrainingOptionsValidator.Validate(options, source);
        return options;
    }

    public static string ToJson(TrainingOptions o) => JsonSerializer.Serialize(o, Json);
}
