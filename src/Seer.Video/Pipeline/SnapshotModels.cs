using Seer.Core.Inference;
using Seer.Inference;
using Seer.Inference.Models;

namespace Seer.Video.Pipeline;

/// <summary>Models run on each emitted snapshot's crop: a classifier whose classes become the event's "attributes", and a
/// feature model (an embed model, or any model with a feature output) whose vector becomes its "feature".</summary>
public sealed record SnapshotModels(Predictor? Attributes = null, Predictor? Features = null)
{
    public static readonly SnapshotModels None = new();

    /// <summary>
    /// The crop models from opened ONNX models (the CLI's --attributes / --features, the server's "attributes" /
    /// "features"), checked: attributes need a classifier, features an embed model or a model with a feature output.
    /// <paramref name="attributesName"/> and <paramref name="featuresName"/> are the names the user gave, for messages.
    /// </summary>
    public static SnapshotModels From(OnnxModel? attributes, OnnxModel? features, string? attributesName = null, string? featuresName = null)
    {
        Predictor? a = null, f = null;
        if (attributes is not null)
        {
            CheckAttributes(attributes.Spec, attributesName ?? attributes.Path);
            a = new Predictor(attributes, new PredictorOptions { BatchSize = 1, TopK = attributes.Spec.ClassNames.Count });
        }
        if (features is not null)
        {
            CheckFeatures(features.Spec, featuresName ?? features.Path);
            f = new Predictor(features, new PredictorOptions { BatchSize = 1, Features = features.Spec.Task != "embed" });
        }
        return new SnapshotModels(a, f);
    }

    /// <summary>Refuses an attributes model that is not a classifier (InvalidOptions naming it).</summary>
    public static void CheckAttributes(InferenceSpec spec, string name)
    {
        if (spec.Task != "classify")
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions, $"attributes model '{name}' is a {spec.Task} model; it needs a classifier");
    }

    /// <summary>Refuses a features model that is neither an embed model nor has a feature output (InvalidOptions naming it).</summary>
    public static void CheckFeatures(InferenceSpec spec, string name)
    {
        if (spec.Task != "embed" && spec.FeaturesOutput is null)
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions,
                $"features model '{name}' is a {spec.Task} model without a feature output; it needs an embed model");
    }
}
