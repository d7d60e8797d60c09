namespace Seer.Inference;

/// <summary>
/// A model's answer for one image: detections (detectors, after score threshold and class-aware NMS), the top classes
/// (classifiers, best first), or a feature vector (embedding models).
/// </summary>
public sealed record ImagePrediction(string Name, int Width, int Height)
{
    public IReadOnlyList<Detection> Detections { get; init; } = [];
    public IReadOnlyList<ClassScore> Classes { get; init; } = [];
    public float[]? Embedding { get; init; }
}
