using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Errors;

namespace Seer.Training.Options;

/// <summary>
/// Resolves settings: the task's defaults, then a params file's values (JSON object, camelCase names), then command
/// line overrides. Unknown names are errors naming the file and the name.
/// </summary>
public static class TrainingOptionsLoader
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Applies a JSON object of overrides to <paramref name="baseOptions"/>.</summary>
    public static TrainingOptions Apply(TrainingOptions baseOptions, string json, string display)
    {
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
        var merged = (JsonObject)JsonSerializer.SerializeToNode(baseOptions, Json)!;
        foreach (var (key, value) in overrides)
        {
            if (!merged.ContainsKey(key))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"params file '{display}' sets unknown setting '{key}'; known: {string.Join(", ", merged.Select(p => p.Key))}", display);
            merged[key] = value?.DeepClone();
        }
        try
        {
            return merged.Deserialize<TrainingOptions>(Json)!;
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"params file '{display}' has a value of the wrong type: {ex.Message}", display, ex);
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
        int width = o.Width > 0 ? o.Width : arch switch { "resnet18" => 64, "fcos-lite" => 64, _ => 32 };
        int size = o.ImageSize > 0 ? o.ImageSize : o.Task == "detect" ? 256 : 64;
        return o with { Architecture = arch, Width = width, ImageSize = size };
    }

    public static string ToJson(TrainingOptions o) => JsonSerializer.Serialize(o, Json);
}
