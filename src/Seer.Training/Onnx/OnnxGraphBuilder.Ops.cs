namespace Seer.Training.Onnx;

/// <summary>Operator helpers for the blocks Seer's networks are made of (opset 17 semantics).</summary>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>2-D convolution, NCHW; weight [out, in/groups, kh, kw]; bias may be null.</summary>
    public string Conv(string x, string weight, string? bias, int kernelH, int kernelW, int stride = 1,
        int padH = 0, int padW = 0, int groups = 1, int dilation = 1)
    {
        string[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return AddNode("Conv", inputs,
            OnnxAttribute.Of("kernel_shape", new long[] { kernelH, kernelW }),
            OnnxAttribute.Of("strides", new long[] { stride, stride }),
            OnnxAttribute.Of("pads", new long[] { padH, padW, padH, padW }),
            OnnxAttribute.Of("dilations", new long[] { dilation, dilation }),
            OnnxAttribute.Of("group", (long)groups));
    }

    /// <summary>Batch normalisation in inference mode (prefer folding it into the convolution before it).</summary>
    public string BatchNormalization(string x, string scale, string bias, string mean, string variance, float epsilon) =>
        AddNode("BatchNormalization", [x, scale, bias, mean, variance], OnnxAttribute.Of("epsilon", epsilon));

    public string Relu(string x) => AddNode("Relu", [x]);

    public string Sigmoid(string x) => AddNode("Sigmoid", [x]);

    /// <summary>SiLU as x * sigmoid(x) (opset 17 has no SiLU operator).</summary>
    public string Silu(string x) => Mul(x, Sigmoid(x));

    public string Add(string a, string b) => AddNode("Add", [a, b]);

    public string Sub(string a, string b) => AddNode("Sub", [a, b]);

    public string Mul(string a, string b) => AddNode("Mul", [a, b]);

    public string Div(string a, string b) => AddNode("Div", [a, b]);

    public string Exp(string x) => AddNode("Exp", [x]);

    public string Concat(IReadOnlyList<string> values, int axis) =>
        AddNode("Concat", values, OnnxAttribute.Of("axis", (long)axis));

    public string MaxPool(string x, int kernel, int stride, int pad = 0, bool ceilMode = false) =>
        AddNode("MaxPool", [x],
            OnnxAttribute.Of("kernel_shape", new long[] { kernel, kernel }),
            OnnxAttribute.Of("strides", new long[] { stride, stride }),
            OnnxAttribute.Of("pads", new long[] { pad, pad, pad, pad }),
            OnnxAttribute.Of("ceil_mode", ceilMode ? 1L : 0L));

    /// <summary>Average pooling; <paramref name="countIncludePad"/> true matches PyTorch's default.</summary>
    public string AveragePool(string x, int kernel, int stride, int pad = 0, bool ceilMode = false,
        bool countIncludePad = true) =>
        AddNode("AveragePool", [x],
            OnnxAttribute.Of("kernel_shape", new long[] { kernel, kernel }),
            OnnxAttribute.Of("strides", new long[] { stride, stride }),
            OnnxAttribute.Of("pads", new long[] { pad, pad, pad, pad }),
            OnnxAttribute.Of("ceil_mode", ceilMode ? 1L : 0L),
            OnnxAttribute.Of("count_include_pad", countIncludePad ? 1L : 0L));

    /// <summary>AdaptiveAvgPool2d(1): mean over H and W, keeps [N, C, 1, 1].</summary>
    public string GlobalAveragePool(string x) => AddNode("GlobalAveragePool", [x]);

    /// <summary>Flattens to [N, rest].</summary>
    public string Flatten(string x, int axis = 1) => AddNode("Flatten", [x], OnnxAttribute.Of("axis", (long)axis));

    /// <summary>Linear layer: x [N, in] · weightᵀ ([out, in], as TorchSharp stores it) + bias [out].</summary>
    public string Linear(string x, string weight, string? bias)
    {
        string[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return AddNode("Gemm", inputs, OnnxAttribute.Of("transB", 1L));
    }

    /// <summary>Nearest-neighbour upsampling by an integer factor in H and W (PyTorch's Upsample(nearest)).</summary>
    public string UpsampleNearest(string x, int factor)
    {
        string scales = AddInitializer("upsample_scales", [1f, 1f, factor, factor], 4);
        return AddNode("Resize", [x, "", scales],
            OnnxAttribute.Of("mode", "nearest"),
            OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.Of("nearest_mode", "floor"));
    }

    public string Reshape(string x, params long[] shape)
    {
        string s = AddInt64Initializer("shape", shape, shape.Length);
        return AddNode("Reshape", [x, s]);
    }

    public string Transpose(string x, params long[] perm) =>
        AddNode("Transpose", [x], OnnxAttribute.Of("perm", perm));

    public string Softmax(string x, int axis = -1) => AddNode("Softmax", [x], OnnxAttribute.Of("axis", (long)axis));

    /// <summary>x[..., start:end, ...] along one axis.</summary>
    public string Slice(string x, int axis, long start, long end)
    {
        string starts = AddInt64Initializer("starts", [start], 1);
        string ends = AddInt64Initializer("ends", [end], 1);
        string axes = AddInt64Initializer("axes", [axis], 1);
        return AddNode("Slice", [x, starts, ends, axes]);
    }

    /// <summary>A scalar float constant (for broadcasting arithmetic).</summary>
    public string Scalar(string name, float value) => AddInitializer(name, [value]);
}
