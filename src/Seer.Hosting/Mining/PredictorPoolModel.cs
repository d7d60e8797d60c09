using Seer.Inference;
using Seer.Inference.Processing;
using Seer.Mining.Inputs;
using Seer.Mining.Pool;

namespace Seer.Hosting.Mining;

/// <summary>
/// A served ONNX model as the miner's <see cref="IPoolModel"/>: a classifier gives its class distribution, a detector
/// its scored boxes; the feature vector is the model's embedding when it has one, else the distribution (classifiers)
/// or each class's highest detection score (detectors).
/// </summary>
internal sealed class PredictorPoolModel(Predictor predictor) : IPoolModel
{
    public int BatchSize => predictor.BatchSize;

    public IReadOnlyList<string> ClassNames => predictor.Spec.ClassNames;

    public IReadOnlyList<ModelOutput> Predict(IReadOnlyList<PoolImage> images, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return predictor.Predict(images.Select(i => new EncodedImage(i.Name, i.Bytes)).ToList()).Select(Output).ToList();
    }

    private ModelOutput Output(ImagePrediction prediction)
    {
        int classes = Math.Max(1, ClassNames.Count);
        if (prediction.Classes.Count > 0)
        {
            var probabilities = new float[classes];
            foreach (var c in prediction.Classes) probabilities[c.ClassId] = c.Score;
            return ModelOutput.Classifier(probabilities, prediction.Embedding ?? probabilities);
        }
        var detections = prediction.Detections.Select(d => new ScoredDetection(d.Box, d.ClassId, d.Score)).ToList();
        var features = prediction.Embedding;
        if (features is null)
        {
            features = new float[classes];
            foreach (var d in detections) features[d.ClassId] = Math.Max(features[d.ClassId], d.Score);
        }
        return ModelOutput.Detector(detections, features);
    }
}
