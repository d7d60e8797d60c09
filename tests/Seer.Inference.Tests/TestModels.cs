using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Training.Onnx;

namespace Seer.Inference.Tests;

/// <summary>Small ONNX models built with Seer's writer, and test images.</summary>
internal static class TestModels
{
    /// <summary>
    /// A model whose output is the constant <paramref name="values"/> (shape <paramref name="outputShape"/> with batch
    /// 1, broadcast over the batch) plus 0 × the input's mean, so it reads its input and answers what the test wants.
    /// </summary>
    public static OnnxGraphBuilder ConstantOutputs(int width, int height, TensorLayout layout,
        params (string Name, float[] Values, long[] Shape)[] outputs)
    {
        var g = new OnnxGraphBuilder("constant");
        long?[] shape = layout == TensorLayout.Nchw ? [null, 3, height, width] : [null, height, width, 3];
        string x = g.AddInput("images", OnnxElementType.Float, shape);
        if (layout == TensorLayout.Nhwc) x = g.Transpose(x, 0, 3, 1, 2);
        string mean = g.GlobalAveragePool(x);                   // [N,3,1,1]
        string zero = g.Mul(g.Slice(mean, 1, 0, 1), g.Scalar("zero", 0f)); // [N,1,1,1]
        foreach (var (name, values, outShape) in outputs)
        {
            string z = g.Reshape(zero, [-1, .. Enumerable.Repeat(1L, outShape.Length - 1)]);
            string c = g.AddInitializer(name + "_const", values, outShape);
            string y = g.Add(z, c);
            g.AddOutput(y, name, OnnxElementType.Float, [null, .. outShape.Skip(1).Select(d => (long?)d)]);
        }
        return g;
    }

    public static byte[] Jpeg(int width, int height, Scalar colour)
    {
        using var m = new Mat(height, width, MatType.CV_8UC3, colour);
        Cv2.Rectangle(m, new Rect(width / 4, height / 4, width / 2, height / 2), new Scalar(255, 255, 255), -1);
        return m.ImEncode(".jpg");
    }

    public static byte[] Png(int width, int height, Scalar colour)
    {
        using var m = new Mat(height, width, MatType.CV_8UC3, colour);
        return m.ImEncode(".png");
    }
}
