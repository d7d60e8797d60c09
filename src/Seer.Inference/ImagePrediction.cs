namespace Seer.Inference;

/// <summary>
/// A model's answer for one image: detections (detectors, after score threshold and class-aware NMS), the top classes
/// (classifiers, best first), or a feature vector (embedding models). <see cref="Embedding"/> also carries a classifier's
/// or detector's own features beside its classes or boxes when <see cref="PredictorOptions.Features"/> asks for them and
/// the model has a <c>features_output</c> (mining).
/// </summary>
public sealed record ImagePrediction(string Name, int Width, int Height)
{
    public IReadOnlyList<Detection> Detections { get; init; } = [];
    public IReadOnlyList<ClassScore> Classes { get; init; } = [];
    public float[]? Embedding { get; init; }
}
