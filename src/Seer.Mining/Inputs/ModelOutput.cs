namespace Seer.Mining.Inputs;

/// <summary>
/// What a model said about one image, in the form mining needs: a classifier's full class distribution, or a
/// detector's scored detections, and optionally a feature vector (embedding) for diversity and duplicate checks.
/// </summary>
public sealed record ModelOutput
{
    /// <summary>Classifier output: probabilities over all classes (sums to ~1). Null for detectors.</summary>
    public float[]? ClassProbabilities { get; init; }

    /// <summary>Detector output (after score threshold and NMS). Empty for classifiers.</summary>
    public IReadOnlyList<ScoredDetection> Detections { get; init; } = [];

    /// <summary>A feature vector for the image (any length, same for every image of a run); null when unavailable.</summary>
    public float[]? Features { get; init; }

    /// <summary>True when this is a detector's output (uses <see cref="Detections"/>).</summary>
    public bool IsDetection => ClassProbabilities is null;

    public static ModelOutput Classifier(float[] probabilities, float[]? features = null) =>
        new() { ClassProbabilities = probabilities, Features = features };

    public static ModelOutput Detector(IReadOnlyList<ScoredDetection> detections, float[]? features = null) =>
        new() { Detections = detections, Features = features };

    /// <summary>The classes this output predicts: the arg-max class, or every detected class (for quotas).</summary>
    public IEnumerable<int> PredictedClasses()
    {
        if (ClassProbabilities is { Length: > 0 } p)
        {
            int best = 0;
            for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
            return [best];
        }
        return Detections.Select(d => d.ClassId).Distinct();
    }
}
