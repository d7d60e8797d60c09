using Seer.Training.Engine;

namespace Seer.Training.Data;

/// <summary>Images as normalised NCHW floats and their class indices.</summary>
public sealed record ClassificationBatch(float[] Images, long[] Labels, int Size) : ITrainBatch
{
    public int Count => Labels.Length;
}
