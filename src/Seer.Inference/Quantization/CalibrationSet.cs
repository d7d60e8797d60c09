using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Inference.Evaluation;
using Seer.Inference.Processing;

namespace Seer.Inference.Quantization;

/// <summary>Calibration images from a dataset version: at most N, spread evenly over the version in its order.</summary>
public static class CalibrationSet
{
    public static IReadOnlyList<EncodedImage> From(DatasetSnapshot data, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Images.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"calibration dataset {data} holds no images; give a version of real images like the ones the model will see");
        var images = data.Images;
        var picked = images.Count <= max ? images.ToList()
            : Enumerable.Range(0, max).Select(i => images[(int)((long)i * images.Count / max)]).ToList();
        return OnnxEvaluation.Read(data, picked, cancellationToken).ToList();
    }
}
