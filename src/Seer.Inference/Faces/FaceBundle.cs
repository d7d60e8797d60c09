using System.Globalization;
using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Inference.Faces;

/// <summary>
/// A face model bundle: a JSON file (<c>NAME.face.json</c>) naming the ONNX files of a face detector, an optional
/// 68-point landmark model and an optional face embedding model, relative to the bundle's folder, plus defaults.
/// <code>
/// { "kind": "face", "detector": "fr_detect.onnx", "detector_format": "ultraface",
///   "landmarks": "fr_landmark.onnx", "embedding": "fr_feature.onnx", "score_threshold": 0.7, "iou_threshold": 0.3 }
/// </code>
/// Detector formats: <c>ultraface</c> (Ultra-Light RFB-320 layout: NCHW RGB (x−127)/128, outputs <c>scores</c>
/// [1,A,2] and normalised <c>boxes</c> [1,A,4]) and <c>blazeface</c> (MediaPipe BlazeFace: NHWC RGB in [−1,1],
/// score logits and box + 6 keypoints as offsets from 16×16×2 and 8×8×6 anchors). Landmarks: grey 64×64 /256 of the
/// face box → [1,136] (68 points relative to the box). Embedding: the 112×112 ArcFace-aligned face, NCHW RGB
/// (x − <c>embedding_mean</c>) / <c>embedding_std</c> → [1,D].
/// </summary>
public sealed record FaceBundle
{
    public const string Kind = "face";
    public static readonly string[] DetectorFormats = ["ultraface", "blazeface"];

    /// <summary>The bundle file (absolute).</summary>
    public required string Path { get; init; }
    public required string Detector { get; init; }
    public required string DetectorFormat { get; init; }
    public string? Landmarks { get; init; }
    public string? Embedding { get; init; }
    public float ScoreThreshold { get; init; } = 0.7f;
    public float IouThreshold { get; init; } = 0.3f;
    public float EmbeddingMean { get; init; } = 127f;
    public float EmbeddingStd { get; init; } = 128f;
    /// <summary>Calibrated 1:1 thresholds (cosine similarity) by FAR, as an embed model's export carries them (optional).</summary>
    public IReadOnlyDictionary<string, float>? VerificationThresholds { get; init; }

    /// <summary>True when <paramref name="path"/> names a face bundle (a <c>.json</c> file, as opposed to an <c>.onnx</c> model).</summary>
    public static bool IsBundlePath(string path) =>
        path.EndsWith(".face.json", StringComparison.OrdinalIgnoreCase) ||
        (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".seer.json", StringComparison.OrdinalIgnoreCase));

    public static FaceBundle Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new SeerException(ErrorCodes.NotFound, $"face bundle '{path}' does not exist", path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"face bundle '{path}' is not valid JSON: {ex.Message}", path, ex);
        }
        using (doc)
        {
            void Fail(string why) => throw new SeerException(ErrorCodes.InvalidInput, $"face bundle '{path}': {why}", path);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) Fail("must be a JSON object");
            string[] known = ["kind", "detector", "detector_format", "landmarks", "embedding", "score_threshold", "iou_threshold",
                "embedding_mean", "embedding_std", "verification_thresholds"];
            foreach (var p in root.EnumerateObject())
                if (!known.Contains(p.Name)) Fail($"unknown key '{p.Name}' (known: {string.Join(", ", known)})");
            string? Str(string key)
            {
                if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.String) Fail($"'{key}' must be a string");
                return v.GetString();
            }
            float Num(string key, float fallback, float min, float max)
            {
                if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetSingle(out float f) || !float.IsFinite(f) || f < min || f > max)
                    Fail($"'{key}' must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
                return v.GetSingle();
            }
            if (Str("kind") != Kind) Fail($"\"kind\" must be \"{Kind}\"");
            string dir = System.IO.Path.GetDirectoryName(full)!;
            string? File_(string key, bool required)
            {
                string? rel = Str(key);
                if (rel is null)
                {
                    if (required) Fail($"'{key}' (an .onnx file relative to the bundle) is required");
                    return null;
                }
                string f = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, rel));
                if (!File.Exists(f)) throw new SeerException(ErrorCodes.NotFound, $"face bundle '{path}': {key} model '{f}' does not exist", f);
                return f;
            }
            string format = Str("detector_format") ?? "ultraface";
            if (!DetectorFormats.Contains(format)) Fail($"detector_format '{format}' is not one of {string.Join(", ", DetectorFormats)}");
            Dictionary<string, float>? thresholds = null;
            if (root.TryGetProperty("verification_thresholds", out var vt) && vt.ValueKind != JsonValueKind.Null)
            {
                if (vt.ValueKind != JsonValueKind.Object) Fail("'verification_thresholds' must be an object {\"1e-3\": 0.4, ...}");
                thresholds = [];
                foreach (var p in vt.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.Number) Fail($"verification_thresholds '{p.Name}' must be a number");
                    thresholds[p.Name] = p.Value.GetSingle();
                }
            }
            float std = Num("embedding_std", 128f, 1e-6f, 1e6f);
            return new FaceBundle
            {
                Path = full,
                Detector = File_("detector", true)!,
                DetectorFormat = format,
                Landmarks = File_("landmarks", false),
                Embedding = File_("embedding", false),
                ScoreThreshold = Num("score_threshold", format == "blazeface" ? 0.75f : 0.7f, 0, 1),
                IouThreshold = Num("iou_threshold", 0.3f, 0.01f, 1),
                EmbeddingMean = Num("embedding_mean", 127f, -1e6f, 1e6f),
                EmbeddingStd = std,
                VerificationThresholds = thresholds,
            };
        }
    }
}
