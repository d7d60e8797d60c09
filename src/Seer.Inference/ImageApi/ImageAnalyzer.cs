using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Inference.Processing;

namespace Seer.Inference.ImageApi;

/// <summary>
/// The image API as a library entry point: an image in → objects (box, class, score) from a detector, optionally
/// their crops, attributes (classifier models run on the crops) and feature vectors (an embedding model run on the
/// crops), filtered by minimum box size and sharpness. Answers directly and stores nothing. Without a detector the
/// whole image is the one object. Thread-safe.
/// </summary>
public sealed class ImageAnalyzer
{
    private readonly Predictor? _detector;
    private readonly IReadOnlyDictionary<string, Predictor> _attributes;
    private readonly Predictor? _features;

    public ImageAnalyzer(Predictor? detector, IReadOnlyDictionary<string, Predictor>? attributeClassifiers = null,
        Predictor? featureExtractor = null)
    {
        _detector = detector;
        _attributes = attributeClassifiers ?? new Dictionary<string, Predictor>();
        _features = featureExtractor;
        if (detector is not null && detector.Spec.Task != "detect")
            throw new SeerException(ErrorCodes.InvalidInput, $"model '{detector.Model.Path}' is a {detector.Spec.Task} model, not a detector");
        foreach (var (name, p) in _attributes)
            if (p.Spec.Task != "classify")
                throw new SeerException(ErrorCodes.InvalidInput, $"attribute '{name}': model '{p.Model.Path}' is a {p.Spec.Task} model, not a classifier");
        if (featureExtractor is not null && featureExtractor.Spec.Task != "embed")
            throw new SeerException(ErrorCodes.InvalidInput, $"model '{featureExtractor.Model.Path}' is a {featureExtractor.Spec.Task} model, not a feature (embed) model");
    }

    public ImageAnalysis Analyze(EncodedImage image, ImageAnalysisOptions? options = null)
    {
        options ??= new ImageAnalysisOptions();
        options.Validate();
        var decoded = ImageDecoder.Decode(image, 1, 1, allowReduced: false);
        using Mat full = decoded.Image;
        double imageSharpness = Sharpness.VarianceOfLaplacian(full);
        var found = _detector is null
            ? [new Detection(new BoxXyxy(0, 0, full.Width, full.Height), -1, "", 1f)]
            : _detector.PredictDecoded([full], [image.Name])[0].Detections;

        var kept = new List<(Detection Det, Mat Crop, double Sharpness)>();
        int small = 0, blurry = 0;
        try
        {
            foreach (var d in found)
            {
                if (Math.Min(d.Box.Width, d.Box.Height) < options.MinBoxSize) { small++; continue; }
                var rect = ToRect(d.Box, full.Width, full.Height);
                var crop = new Mat(full, rect);
                double sharp = Sharpness.VarianceOfLaplacian(crop);
                if (sharp < options.MinSharpness) { blurry++; crop.Dispose(); continue; }
                kept.Add((d, crop, sharp));
            }
            var crops = kept.Select(k => k.Crop).ToList();
            var names = kept.Select((k, i) => $"{image.Name}#{i}").ToList();
            var attributes = new Dictionary<string, IReadOnlyList<ImagePrediction>>();
            if (options.IncludeAttributes && crops.Count > 0)
                foreach (var (name, predictor) in _attributes) attributes[name] = predictor.PredictDecoded(crops, names);
            IReadOnlyList<ImagePrediction>? features = options.IncludeFeatures && _features is not null && crops.Count > 0
                ? _features.PredictDecoded(crops, names) : null;

            var objects = new List<AnalyzedObject>(kept.Count);
            for (int i = 0; i < kept.Count; i++)
            {
                var (det, crop, sharp) = kept[i];
                objects.Add(new AnalyzedObject(det.Box, _detector is null ? null : det.Label, _detector is null ? null : det.Score, sharp)
                {
                    Crop = options.IncludeCrops ? crop.ImEncode(options.CropFormat) : null,
                    Attributes = attributes.ToDictionary(a => a.Key, a => a.Value[i].Classes[0]),
                    Feature = features is null ? null : Normalize(features[i].Embedding!),
                });
            }
            return new ImageAnalysis(image.Name, full.Width, full.Height, imageSharpness, objects)
            {
                DroppedTooSmall = small,
                DroppedBlurry = blurry,
            };
        }
        finally
        {
            foreach (var k in kept) k.Crop.Dispose();
        }
    }

    private static Rect ToRect(BoxXyxy box, int width, int height)
    {
        int x1 = Math.Clamp((int)Math.Floor(box.X1), 0, width - 1);
        int y1 = Math.Clamp((int)Math.Floor(box.Y1), 0, height - 1);
        int x2 = Math.Clamp((int)Math.Ceiling(box.X2), x1 + 1, width);
        int y2 = Math.Clamp((int)Math.Ceiling(box.Y2), y1 + 1, height);
        return new Rect(x1, y1, x2 - x1, y2 - y1);
    }

    private static float[] Normalize(float[] v)
    {
        double n = Math.Sqrt(v.Sum(x => (double)x * x));
        return n > 0 ? v.Select(x => (float)(x / n)).ToArray() : v;
    }
}
