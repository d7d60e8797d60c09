using Seer.Core.Errors;
using Seer.Core.Inference;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Registry;

namespace Seer.Training.Onnx;

/// <summary>
/// Exports a registry model (record + weights) to ONNX with its <see cref="InferenceSpec"/>: class names, input size,
/// the training normalisation (RGB/255 − mean) / std expressed on 0..255 pixels, resize as in training (classifiers
/// stretch to the square input, detectors letterbox with pad 114), and the output layout the graph has.
/// </summary>
public static class RegistryOnnxExport
{
    /// <summary>File name of the cached export inside a model's registry folder.</summary>
    public const string CachedFileName = "model.onnx";

    /// <summary>The spec an export of <paramref name="record"/> carries (the exporter sets the output fields).</summary>
    public static InferenceSpec SpecFor(ModelRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        bool detect = record.Task == "detect";
        float[] mean = record.NormalizationMean.Length == 3 ? record.NormalizationMean.Select(m => m * 255f).ToArray() : [0f, 0f, 0f];
        float[] std = record.NormalizationStd.Length == 3 ? record.NormalizationStd.Select(s => s * 255f).ToArray() : [255f, 255f, 255f];
        return new InferenceSpec
        {
            Task = record.Task,
            ClassNames = record.Classes,
            InputWidth = record.ImageSize,
            InputHeight = record.ImageSize,
            InputLayout = TensorLayout.Nchw,
            Channels = 3,
            ChannelOrder = "rgb",
            Mean = mean,
            Std = std,
            Resize = detect ? ResizeMode.Letterbox : ResizeMode.Stretch,
            PadValue = 114f,
            OutputLayout = detect ? OutputLayout.BoxesScores : OutputLayout.ClassifierLogits,
            VerificationThresholds = record.Task == "embed" ? Thresholds(record) : null,
        };
    }

    /// <summary>An embed model's thresholds per FAR from its validation metrics (<c>threshold_at_far</c>), if any.</summary>
    private static Dictionary<string, float>? Thresholds(ModelRecord record)
    {
        if (!record.Metrics.TryGetValue("threshold_at_far", out object? value) || value is null) return null;
        var json = value is System.Text.Json.JsonElement e ? e : System.Text.Json.JsonSerializer.SerializeToElement(value);
        if (json.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
        var thresholds = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var p in json.EnumerateObject())
            if (p.Value.ValueKind == System.Text.Json.JsonValueKind.Number) thresholds[p.Name] = p.Value.GetSingle();
        return thresholds.Count > 0 ? thresholds : null;
    }

    /// <summary>Loads <paramref name="model"/>'s weights from the registry and writes its ONNX export to <paramref name="path"/>.</summary>
    public static ModelRecord Export(FileModelRegistry registry, string model, string path)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ModelRecord record = registry.Get(model);
        if (record.External is not null)
        {
            // an external model's ONNX has no Seer metadata: its manifest goes beside the copy (NAME.seer.json)
            File.Copy(ExternalOnnx(registry, record), path, overwrite: true);
            if (record.External.Manifest is { } manifest)
                File.Copy(Path.Combine(registry.Folder(record.Id), manifest),
                    Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", Path.GetFileNameWithoutExtension(path) + ".seer.json"), overwrite: true);
            return record;
        }
        string weights = registry.WeightsPath(record);
        if (!File.Exists(weights))
            throw new SeerException(ErrorCodes.NotFound, $"model {record.Id} has no weights file '{weights}' (status {record.Status})", weights);
        using var network = ArchitectureRegistry.Create(record.Architecture, record.Classes.Count, record.Parameters);
        Checkpoint.LoadWeights(weights, network);
        network.eval();
        OnnxExporter.Export(network, SpecFor(record), path);
        return record;
    }

    /// <summary>
    /// The path of <paramref name="model"/>'s cached export (<c>&lt;home&gt;/models/&lt;id&gt;/model.onnx</c>), written
    /// first when missing or older than the weights.
    /// </summary>
    public static string ExportCached(FileModelRegistry registry, string model)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ModelRecord record = registry.Get(model);
        if (record.External is not null) return ExternalOnnx(registry, record);
        string path = Path.Combine(registry.Folder(record.Id), CachedFileName);
        string weights = registry.WeightsPath(record);
        if (File.Exists(path) && File.Exists(weights) && File.GetLastWriteTimeUtc(path) >= File.GetLastWriteTimeUtc(weights) && HasFeatures(path))
            return path;
        Export(registry, record.Id, path);
        return path;
    }

    /// <summary>An external model's own ONNX file (its manifest lies beside it as NAME.seer.json).</summary>
    private static string ExternalOnnx(FileModelRegistry registry, ModelRecord record) =>
        record.External!.Onnx is { } onnx
            ? Path.Combine(registry.Folder(record.Id), onnx)
            : throw new SeerException(ErrorCodes.InvalidInput,
                $"model {record.Id} is an external model without an ONNX file (its files: {string.Join(", ", record.External.Files)}); Seer can only run external models as ONNX");

    /// <summary>
    /// True when a cached export carries the <c>features</c> output (exports written before it was added do not and
    /// are rewritten, so mining gets the model's features). The writer puts the metadata last in the file, so the
    /// tail holds the key.
    /// </summary>
    private static bool HasFeatures(string path)
    {
        using var file = File.OpenRead(path);
        int tail = (int)Math.Min(file.Length, 16 * 1024);
        file.Seek(-tail, SeekOrigin.End);
        var bytes = new byte[tail];
        file.ReadExactly(bytes);
        return bytes.AsSpan().IndexOf(FeaturesKey) >= 0;
    }

    private static readonly byte[] FeaturesKey = System.Text.Encoding.ASCII.GetBytes(InferenceSpec.MetadataPrefix + "features_output");
}
