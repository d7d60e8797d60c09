using Seer.Training.Engine;

namespace Seer.Training.Data;

/// <summary>
/// Images as normalised NCHW floats and their class indices. With mixup, image k is already blended
/// <see cref="Lambda"/> : 1 - Lambda with the image whose class is <see cref="MixedLabels"/>[k].
/// </summary>
public sealed record ClassificationBatch(float[] Images, long[] Labels, int Size) : ITrainBatch
{
    public int Count => Labels.Length;

    /// <summary>The partner image's class per image (null: no mixup in this batch).</summary>
    public long[]? MixedLabels { get; init; }

    /// <summary>The weight of each image's own class in the blend (1 without mixup).</summary>
    public double Lambda { get; init; } = 1;
}
