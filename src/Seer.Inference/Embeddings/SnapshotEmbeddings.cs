using Seer.Core.Datasets;
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
        float[]? matrix = null;
        int count = snapshot.Images.Count, dim = 0, done = 0;
        foreach (var (_, feature) in SnapshotPredictions.Features(snapshot, predictor, cancellationToken))
        {
            if (matrix is null)
            {
                dim = feature.Length;
                matrix = new float[(long)count * dim];
            }
            feature.CopyTo(matrix, (long)done * dim);
            done++;
            progress?.Report(new WorkProgress("embed", done, count));
        }
        return new EmbeddingMatrix(matrix!, count, dim);
    }
}
