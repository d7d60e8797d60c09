using System.Text.Json;
using Seer.Core.Errors;
using Seer.Core.Inference;

namespace Seer.Inference.Models;

/// <summary>
/// Reads the JSON manifest that describes an external ONNX model: an object with the keys of
/// <see cref="InferenceSpec"/> (task, class_names, input_width, input_height, input_layout, channels, channel_order,
/// mean, std, resize, pad_value, output_layout, output_names, box_format, boxes_normalized, background_column).
/// </summary>
public static class ManifestReader
{
    /// <summary>The manifest Seer looks for beside a model: <c>model.onnx</c> → <c>model.seer.json</c>.</summary>
    public static string DefaultPathFor(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".",
            Path.GetFileNameWithoutExtension(modelPath) + ".seer.json");

    public static InferenceSpec Read(string manifestPath)
    {
        if (!File.Exists(manifestPath))
            throw new SeerException(ErrorCodes.NotFound, $"manifest '{manifestPath}' does not exist", manifestPath);
        return Parse(File.ReadAllText(manifestPath), manifestPath);
    }

    public static InferenceSpec Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"manifest '{source}' is not valid JSON: {ex.Message}", source, ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SeerException(ErrorCodes.InvalidInput, $"manifest '{source}' must be a JSON object", source);
            var known = new HashSet<string>(new InferenceSpec { OutputLayout = OutputLayout.YoloV8 }.ToProperties().Keys
                .Select(k => k[InferenceSpec.MetadataPrefix.Length..]).Append("input_name"), StringComparer.Ordinal);
            var props = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!known.Contains(p.Name))
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"manifest '{source}': unknown key '{p.Name}' (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})", source);
                props[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => p.Value.GetRawText(),
                };
            }
            return InferenceSpec.FromProperties(props, $"manifest '{source}'");
        }
    }
}
