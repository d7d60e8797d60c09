using Seer.Core.Datasets;
using Seer.Core.Errors;

namespace Seer.Inference.Processing;

/// <summary>
/// A model over every image of a dataset version, in the version's order: each image's bytes are read (checking the
/// token before each) and the predictions streamed back beside their image records, batched by the predictor (the next
/// batch decoded while one runs). The one loop behind pre-annotation, embedding matrices and feature indexing.
/// </summary>
public static class SnapshotPredictions
{
    public static IEnumerable<(ImageRecord Image, ImagePrediction Prediction)> Run(DatasetSnapshot snapshot, Predictor predictor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(predictor);
        var images = snapshot.Images;
        IEnumerable<EncodedImage> Read()
        {
            foreach (var record in images)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var stream = snapshot.OpenImage(record);
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                yield return new EncodedImage(record.FileName, bytes.ToArray());
            }
        }
        int done = 0;
        foreach (var prediction in predictor.PredictStream(Read(), cancellationToken))
            yield return (images[done++], prediction);
    }

    /// <summary>The feature vector of every image, from a feature (embed) model; refuses other models and images without one.</summary>
    public static IEnumerable<(ImageRecord Image, float[] Feature)> Features(DatasetSnapshot snapshot, Predictor predictor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(predictor);
        if (predictor.Spec.Task != "embed")
            throw new SeerException(ErrorCodes.InvalidInput,
                $"model '{predictor.Model.Path}' is a {predictor.Spec.Task} model, not a feature (embed) model", predictor.Model.Path);
        if (snapshot.Images.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, $"dataset version {snapshot} has no images");
        return Run(snapshot, predictor, cancellationToken).Select(p => (p.Image, p.Prediction.Embedding
            ?? throw new SeerException(ErrorCodes.InvalidInput, $"the model gave no feature vector for image '{p.Image.FileName}'")));
    }
}
