using System.Globalization;
using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Core.Inference;

/// <summary>
/// Everything needed to run an image model and read its answer: task, class names, input size, layout, colour
/// order, normalisation (<c>input = (pixel − Mean) / Std</c> with pixels in 0..255), resize mode, and the output
/// layout. Seer's ONNX exports carry it as metadata properties (<c>seer.*</c> keys, see <see cref="ToProperties"/>);
/// external models carry it as a JSON manifest with the same keys without the prefix.
/// </summary>
public sealed record InferenceSpec
{
    /// <summary>Prefix of Seer's keys among an ONNX model's metadata properties.</summary>
    public const string MetadataPrefix = "seer.";

    /// <summary>classify, detect or embed.</summary>
    public string Task { get; init; } = "detect";
    public IReadOnlyList<string> ClassNames { get; init; } = [];
    /// <summary>Graph input to feed; null = the first input.</summary>
    public string? InputName { get; init; }
    public int InputWidth { get; init; }
    public int InputHeight { get; init; }
    public TensorLayout InputLayout { get; init; } = TensorLayout.Nchw;
    /// <summary>3 (colour) or 1 (grey).</summary>
    public int Channels { get; init; } = 3;
    /// <summary>rgb or bgr (colour inputs only).</summary>
    public string ChannelOrder { get; init; } = "rgb";
    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];
    public IReadOnlyList<float> Std { get; init; } = [255f, 255f, 255f];
    public ResizeMode Resize { get; init; } = ResizeMode.Letterbox;
    /// <summary>Pixel value of letterbox padding (0..255).</summary>
    public float PadValue { get; init; } = 114f;
    public OutputLayout OutputLayout { get; init; } = OutputLayout.YoloV8;
    /// <summary>Graph outputs to read, in the layout's order (boxes_scores: boxes then scores); empty = all, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; init; } = [];
    /// <summary>boxes_scores only: xyxy or cxcywh (YOLO layouts are always cxcywh).</summary>
    public string BoxFormat { get; init; } = "xyxy";
    /// <summary>True when boxes are relative (0..1) to the input size instead of input pixels.</summary>
    public bool BoxesNormalized { get; init; }
    /// <summary>boxes_scores only: index of a background score column to drop, or −1.</summary>
    public int BackgroundColumn { get; init; } = -1;
    /// <summary>
    /// Optional extra graph output [N, D] with the model's own feature vector per image (for a classifier its
    /// penultimate layer, for a detector its pooled backbone), read when <c>PredictorOptions.Features</c> asks for it:
    /// what mining's diversity and combined strategies spread a batch over. Null when the model has none.
    /// </summary>
    public string? FeaturesOutput { get; init; }
    /// <summary>
    /// Embed models: the cosine-similarity threshold for 1:1 verification at each target false-accept rate ("1e-2",
    /// "1e-3", "1e-4"), as calibrated by <c>seer model eval</c> on the validation version; null when not calibrated.
    /// </summary>
    public IReadOnlyDictionary<string, float>? VerificationThresholds { get; init; }

    /// <summary>The spec as ONNX metadata properties (<c>seer.task</c>, <c>seer.class_names</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> ToProperties()
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["task"] = Task,
            ["class_names"] = JsonSerializer.Serialize(ClassNames),
            ["input_width"] = Num(InputWidth),
            ["input_height"] = Num(InputHeight),
            ["input_layout"] = InputLayout == TensorLayout.Nchw ? "nchw" : "nhwc",
            ["channels"] = Num(Channels),
            ["channel_order"] = ChannelOrder,
            ["mean"] = JsonSerializer.Serialize(Mean),
            ["std"] = JsonSerializer.Serialize(Std),
            ["resize"] = Resize == ResizeMode.Letterbox ? "letterbox" : "stretch",
            ["pad_value"] = PadValue.ToString(CultureInfo.InvariantCulture),
            ["output_layout"] = LayoutName(OutputLayout),
            ["output_names"] = JsonSerializer.Serialize(OutputNames),
            ["box_format"] = BoxFormat,
            ["boxes_normalized"] = BoxesNormalized ? "true" : "false",
            ["background_column"] = Num(BackgroundColumn),
        };
        if (InputName is not null) p["input_name"] = InputName;
        if (FeaturesOutput is not null) p["features_output"] = FeaturesOutput;
        if (VerificationThresholds is { Count: > 0 } thresholds) p["verification_thresholds"] = JsonSerializer.Serialize(thresholds);
        return p.ToDictionary(kv => MetadataPrefix + kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Reads a spec from key/value pairs (ONNX metadata with the <c>seer.</c> prefix, or a manifest's keys without
    /// it; values are text, lists as JSON arrays). Throws <see cref="SeerException"/> naming <paramref name="source"/>.
    /// </summary>
    public static InferenceSpec FromProperties(IReadOnlyDictionary<string, string> properties, string source)
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in properties)
            p[k.StartsWith(MetadataPrefix, StringComparison.Ordinal) ? k[MetadataPrefix.Length..] : k] = v;
        string? Get(string key) => p.TryGetValue(key, out var v) ? v : null;
        SeerException Bad(string key, string why) =>
            new(ErrorCodes.InvalidInput, $"{source}: '{key}' {why}", source);
        int Int(string key, int fallback, bool required = false)
        {
            string? v = Get(key);
            if (v is null) return required ? throw Bad(key, "is missing") : fallback;
            return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)
                ? i : throw Bad(key, $"must be an integer (was '{v}')");
        }
        T[] List<T>(string key, T[] fallback)
        {
            string? v = Get(key);
            if (v is null) return fallback;
            try { return JsonSerializer.Deserialize<T[]>(v) ?? fallback; }
            catch (JsonException) { throw Bad(key, $"must be a JSON array (was '{v}')"); }
        }
        string Choice(string key, string fallback, params string[] allowed)
        {
            string v = (Get(key) ?? fallback).Trim().ToLowerInvariant();
            return allowed.Contains(v) ? v : throw Bad(key, $"must be one of {string.Join(", ", allowed)} (was '{v}')");
        }

        Dictionary<string, float>? Thresholds()
        {
            string? v = Get("verification_thresholds");
            if (v is null) return null;
            try { return JsonSerializer.Deserialize<Dictionary<string, float>>(v); }
            catch (JsonException) { throw Bad("verification_thresholds", $"must be a JSON object of FAR → threshold (was '{v}')"); }
        }

        string layoutText = Get("output_layout") ?? throw Bad("output_layout", "is missing");
        var spec = new InferenceSpec
        {
            Task = Choice("task", "detect", "classify", "detect", "embed"),
            ClassNames = List("class_names", Array.Empty<string>()),
            InputName = Get("input_name"),
            InputWidth = Int("input_width", 0, required: true),
            InputHeight = Int("input_height", 0, required: true),
            InputLayout = Choice("input_layout", "nchw", "nchw", "nhwc") == "nchw" ? TensorLayout.Nchw : TensorLayout.Nhwc,
            Channels = Int("channels", 3),
            ChannelOrder = Choice("channel_order", "rgb", "rgb", "bgr"),
            Mean = List("mean", new[] { 0f, 0f, 0f }),
            Std = List("std", new[] { 255f, 255f, 255f }),
            Resize = Choice("resize", "letterbox", "letterbox", "stretch") == "letterbox" ? ResizeMode.Letterbox : ResizeMode.Stretch,
            PadValue = float.TryParse(Get("pad_value") ?? "114", NumberStyles.Float, CultureInfo.InvariantCulture, out float pad)
                ? pad : throw Bad("pad_value", "must be a number"),
            OutputLayout = ParseLayout(layoutText) ?? throw Bad("output_layout",
                $"must be one of classifier_logits, classifier_probs, yolov5, yolov8, boxes_scores, embedding (was '{layoutText}')"),
            OutputNames = List("output_names", Array.Empty<string>()),
            BoxFormat = Choice("box_format", "xyxy", "xyxy", "cxcywh"),
            BoxesNormalized = Choice("boxes_normalized", "false", "true", "false") == "true",
            BackgroundColumn = Int("background_column", -1),
            FeaturesOutput = Get("features_output") is { Length: > 0 } f ? f : null,
            VerificationThresholds = Thresholds(),
        };
        spec.Validate(source);
        return spec;
    }

    /// <summary>Checks the spec on its own (the graph check is the predictor's); throws naming <paramref name="source"/>.</summary>
    public void Validate(string source)
    {
        void Fail(string why) => throw new SeerException(ErrorCodes.InvalidInput, $"{source}: {why}", source);
        if (InputWidth <= 0 || InputHeight <= 0) Fail($"input size must be positive (was {InputWidth}x{InputHeight})");
        if (Channels is not (1 or 3)) Fail($"channels must be 1 or 3 (was {Channels})");
        if (Mean.Count != Channels || Std.Count != Channels)
            Fail($"mean and std need {Channels} values each (were {Mean.Count} and {Std.Count})");
        if (Std.Any(s => s == 0)) Fail("std must not contain 0");
        bool classifier = OutputLayout is OutputLayout.ClassifierLogits or OutputLayout.ClassifierProbs;
        bool detector = OutputLayout is OutputLayout.YoloV5 or OutputLayout.YoloV8 or OutputLayout.BoxesScores;
        if (Task == "classify" && !classifier) Fail($"task classify needs a classifier output layout (was {LayoutName(OutputLayout)})");
        if (Task == "detect" && !detector) Fail($"task detect needs a detector output layout (was {LayoutName(OutputLayout)})");
        if (Task == "embed" && OutputLayout != OutputLayout.Embedding) Fail("task embed needs output_layout embedding");
        if (Task != "embed" && ClassNames.Count == 0) Fail("class_names is empty");
        if (OutputLayout == OutputLayout.BoxesScores && OutputNames.Count is not (0 or 2))
            Fail($"boxes_scores needs two output_names, boxes then scores (was {OutputNames.Count})");
        if (FeaturesOutput is not null && OutputNames.Contains(FeaturesOutput))
            Fail($"features_output '{FeaturesOutput}' must not be one of output_names (it is read on request only)");
        if (FeaturesOutput is not null && OutputNames.Count == 0)
            Fail("features_output needs output_names (otherwise every output is read as the layout's)");
    }

    public static string LayoutName(OutputLayout layout) => layout switch
    {
        OutputLayout.ClassifierLogits => "classifier_logits",
        OutputLayout.ClassifierProbs => "classifier_probs",
        OutputLayout.YoloV5 => "yolov5",
        OutputLayout.YoloV8 => "yolov8",
        OutputLayout.BoxesScores => "boxes_scores",
        _ => "embedding",
    };

    private static OutputLayout? ParseLayout(string text) => text.Trim().ToLowerInvariant() switch
    {
        "classifier_logits" => OutputLayout.ClassifierLogits,
        "classifier_probs" => OutputLayout.ClassifierProbs,
        "yolov5" => OutputLayout.YoloV5,
        "yolov8" => OutputLayout.YoloV8,
        "boxes_scores" => OutputLayout.BoxesScores,
        "embedding" => OutputLayout.Embedding,
        _ => null,
    };

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
