using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Inference.Processing;

namespace Seer.Inference.Embeddings;

/// <summary>The feature vectors of every image of a dataset version, from a feature (embed) model: one row per image,
/// in the version's image order, as one row-major matrix (clustering, embedding evaluation).</summary>
public sealed record EmbeddingMatrix(float[] Vectors, int Count, int Dimension)
{
    public ReadOnlySpan<float> Row(int i) => Vectors.AsSpan(i * Dimension, Dimension);
}

/// <summary>Runs an embed model over a dataset version's images (batched, the next batch decoded while one runs).</summary>
public static class SnapshotEmbeddings
{
    public static EmbeddingMatrix Compute(DatasetSnapshot snapshot, Predictor predictor, IProgress<WorkProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(predictor);
        if (predictor.Spec.Task != "embed")
            throw new SeerException(ErrorCodes.InvalidInput,
                $"model '{predictor.Model.Path}' is a {predictor.Spec.Task} model, not a feature (embed) model", predictor.Model.Path);
        var images = snapshot.Images;
        if (images.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, $"dataset version {snapshot} has no images");
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
        float[]? matrix = null;
        int dim = 0, done = 0;
        foreach (var prediction in predictor.PredictStream(Read(), cancellationToken))
        {
            var feature = prediction.Embedding
                ?? throw new SeerException(ErrorCodes.InvalidInput, $"the model gave no feature vector for image '{images[done].FileName}'");
            if (matrix is null)
            {
                dim = feature.Length;
                matrix = new float[(long)images.Count * dim];
            }
            feature.CopyTo(matrix, (long)done * dim);
            done++;
            progress?.Report(new WorkProgress("embed", done, images.Count));
        }
        return new EmbeddingMatrix(matrix!, images.Count, dim);
    }
}
