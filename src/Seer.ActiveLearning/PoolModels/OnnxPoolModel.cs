using Seer.Core.Geometry;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;
using Seer.Mining.Inputs;
using Seer.Mining.Pool;

namespace Seer.ActiveLearning.PoolModels;

/// <summary>
/// Adapts Seer.Inference's ONNX Runtime <see cref="Predictor"/> to the miner's <see cref="IPoolModel"/>. Classifiers
/// give their full class distribution (the predictor keeps every class); detectors their scored boxes. Feature vector
/// (what diversity and combined spread a batch over): the model's own features when its export has them (Seer's
/// exports do: a classifier's penultimate layer, a detector's pooled backbone; <see cref="ForMining"/> asks for them);
/// otherwise the class distribution (classifiers) or the per-class maximum detection score (detectors), a stand-in
/// for imported models without a feature output.
/// </summary>
public sealed class OnnxPoolModel : IPoolModel
{
    private readonly Predictor _predictor;

    public OnnxPoolModel(Predictor predictor) => _predictor = predictor;

    /// <summary>
    /// The pool model mining uses: every class kept (classifiers), boxes from <paramref name="scoreThreshold"/> up
    /// (detectors), and the model's feature output read when it has one.
    /// </summary>
    public static OnnxPoolModel ForMining(OnnxModel model, float scoreThreshold, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new OnnxPoolModel(new Predictor(model, new PredictorOptions
        {
            ScoreThreshold = scoreThreshold,
            BatchSize = batchSize,
            TopK = Math.Max(1, model.Spec.ClassNames.Count),
            Features = true,
        }));
    }

    public int BatchSize => _predictor.BatchSize;

    public IReadOnlyList<ModelOutput> Predict(IReadOnlyList<PoolImage> images, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var predictions = _predictor.Predict(images.Select(i => new EncodedImage(i.Name, i.Bytes)).ToList());
        return predictions.Select(ToOutput).ToList();
    }

    /// <summary>The predicted objects of an image for pre-annotation, from the model output.</summary>
    public ModelOutput ToOutput(ImagePrediction p)
    {
        var classes = _predictor.Spec.ClassNames;
        if (p.Classes.Count > 0)
        {
            var probs = new float[classes.Count];
            foreach (var c in p.Classes) probs[c.ClassId] = c.Score;
            return ModelOutput.Classifier(probs, p.Embedding ?? probs);
        }
        var detections = p.Detections.Select(d => new ScoredDetection(d.Box, d.ClassId, d.Score)).ToList();
        var features = p.Embedding;
        if (features is null)
        {
            features = new float[Math.Max(classes.Count, 1)];
            foreach (var d in detections) features[d.ClassId] = Math.Max(features[d.ClassId], d.Score);
        }
        return ModelOutput.Detector(detections, features);
    }

    /// <summary>Class names the model predicts, by class id.</summary>
    public IReadOnlyList<string> ClassNames => _predictor.Spec.ClassNames;

    public string Task => _predictor.Spec.Task;

    /// <summary>A predicted box as a pre-annotation object.</summary>
    public Seer.Core.Annotations.ObjectAnnotation ToObject(ScoredDetection d) =>
        new(ClassNames[d.ClassId], new BoxXyxy(d.Box.X1, d.Box.Y1, d.Box.X2, d.Box.Y2))
        {
            Score = d.Score,
            Source = Seer.Core.Annotations.AnnotationSource.Predicted,
        };
}
