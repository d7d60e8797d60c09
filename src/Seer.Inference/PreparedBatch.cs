using Seer.Inference.Processing;

namespace Seer.Inference;

/// <summary>
/// A batch ready for ONNX Runtime: the input tensor (already decoded, resized and normalised), its shape, and for
/// each image its name and how it maps onto the input (to bring boxes back).
/// </summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(float[] tensor, long[] shape, IReadOnlyList<string> names, IReadOnlyList<ImageTransform> transforms)
    {
        Tensor = tensor;
        Shape = shape;
        Names = names;
        Transforms = transforms;
    }

    public float[] Tensor { get; }
    public long[] Shape { get; }
    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<ImageTransform> Transforms { get; }
    public int Count => Names.Count;
}
