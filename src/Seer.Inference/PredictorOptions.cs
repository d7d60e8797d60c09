using Seer.Core.Errors;

namespace Seer.Inference;

/// <summary>Settings of a <see cref="Predictor"/>.</summary>
public sealed record PredictorOptions
{
    /// <summary>Detections below this score are dropped (default 0.25).</summary>
    public float ScoreThreshold { get; init; } = 0.25f;
    /// <summary>Class-aware NMS IoU threshold (default 0.45).</summary>
    public float IouThreshold { get; init; } = 0.45f;
    /// <summary>At most this many detections per image (default 100, as the training side's FcosDecoder and COCO's maxDets).</summary>
    public int MaxDetections { get; init; } = 100;
    /// <summary>
    /// Candidates (box, class) kept before NMS: the best this many above the threshold (default 1000, as FcosDecoder).
    /// </summary>
    public int MaxCandidates { get; init; } = 1000;
    /// <summary>Images per InferenceSession.Run when the graph's batch dimension is dynamic (default 8).</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Classes kept per image for classifiers (default 5).</summary>
    public int TopK { get; init; } = 5;
    /// <summary>Decode large JPEGs at 1/2, 1/4 or 1/8 scale when still at least the input size (default true).</summary>
    public bool ReducedJpegDecode { get; init; } = true;
    /// <summary>
    /// Also read the model's feature output (its spec's <c>features_output</c>, when it has one) into
    /// <see cref="ImagePrediction.Embedding"/>, beside the classes or boxes (default false; mining sets it).
    /// </summary>
    public bool Features { get; init; }

    public void Validate()
    {
        void Fail(string what) => throw new SeerException(ErrorCodes.InvalidOptions, what);
        if (ScoreThreshold is < 0 or > 1) Fail($"PredictorOptions.ScoreThreshold must be in [0, 1] (was {ScoreThreshold}); set --threshold");
        if (IouThreshold is <= 0 or > 1) Fail($"PredictorOptions.IouThreshold must be in (0, 1] (was {IouThreshold}); set --iou");
        if (MaxDetections <= 0) Fail($"PredictorOptions.MaxDetections must be > 0 (was {MaxDetections})");
        if (MaxCandidates <= 0) Fail($"PredictorOptions.MaxCandidates must be > 0 (was {MaxCandidates})");
        if (BatchSize <= 0) Fail($"PredictorOptions.BatchSize must be > 0 (was {BatchSize}); set --batch");
        if (TopK <= 0) Fail($"PredictorOptions.TopK must be > 0 (was {TopK})");
    }
}
