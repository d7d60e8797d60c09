using Seer.Core.Errors;
using Seer.Core.Inference;
using Seer.Training.Models;
using Seer.Training.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Onnx;

/// <summary>
/// Exports Seer's TorchSharp networks to ONNX (opset 17) with batch norm folded into the convolutions and the
/// <see cref="InferenceSpec"/> as metadata. Supported now: <see cref="SmallCnn"/> (classifier logits).
/// </summary>
public static class OnnxExporter
{
    public static void Export(nn.Module<Tensor, Tensor> model, InferenceSpec spec, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate("export");
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().to(float32).data<float>().ToArray(), StringComparer.Ordinal);
        var children = model.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var g = new OnnxGraphBuilder(model.GetName());
        string x = g.AddInput("images", OnnxElementType.Float, [null, spec.Channels, spec.InputHeight, spec.InputWidth]);
        string y = model switch
        {
            SmallCnn => SmallCnnGraph(g, x, state, children),
            _ => throw new SeerException(ErrorCodes.InvalidInput, $"ONNX export does not support the architecture {model.GetName()} yet"),
        };
        int classes = spec.ClassNames.Count;
        g.AddOutput(y, "logits", OnnxElementType.Float, [null, classes]);
        OnnxModelWriter.Write(g, path, spec.ToProperties());
    }

    private static string SmallCnnGraph(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state, Dictionary<string, nn.Module> children)
    {
        string Block(string name, string input) => ConvBnAct(g, input, name, (ConvBnAct)children[name], state);
        x = Block("conv2", Block("conv1", x));
        x = g.MaxPool(x, 2, 2);
        x = Block("conv4", Block("conv3", x));
        x = g.MaxPool(x, 2, 2);
        x = Block("conv5", x);
        x = g.Flatten(g.GlobalAveragePool(x));
        var w = state["fc.weight"];
        var b = state["fc.bias"];
        return g.Linear(x, g.AddInitializer("fc.weight", w, b.Length, w.Length / b.Length), g.AddInitializer("fc.bias", b, b.Length));
    }

    /// <summary>Conv (bias-free) + BatchNorm2d (ε = 1e-5) folded into one Conv, then ReLU or SiLU when the block has one.</summary>
    private static string ConvBnAct(OnnxGraphBuilder g, string x, string name, ConvBnAct block, Dictionary<string, float[]> state)
    {
        var (w, b) = BatchNormFolding.Fold(state[$"{name}.conv.weight"], [], state[$"{name}.bn.weight"], state[$"{name}.bn.bias"],
            state[$"{name}.bn.running_mean"], state[$"{name}.bn.running_var"], 1e-5);
        int k = block.Kernel;
        string y = g.Conv(x, g.AddInitializer($"{name}.weight", w, block.OutChannels, block.InChannels, k, k),
            g.AddInitializer($"{name}.bias", b, block.OutChannels), k, k, block.Stride, k / 2, k / 2);
        if (!block.WithActivation) return y;
        return block.Activation == ActivationKind.SiLU ? g.Silu(y) : g.Relu(y);
    }
}
