using Seer.Core.Errors;
using Seer.Core.Inference;
using Seer.Training.Models;
using Seer.Training.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Onnx;

/// <summary>
/// Exports Seer's TorchSharp networks to ONNX (opset 17) with batch norm folded into the convolutions and the
/// <see cref="InferenceSpec"/> as metadata. Classifiers (<see cref="SmallCnn"/>, <see cref="ResNet18"/>) export their
/// logits as output <c>logits</c> [N, classes] (layout classifier_logits). <see cref="FcosLite"/> exports its decoded
/// answer (see OnnxExporter.Fcos.cs): <c>boxes</c> [N, A, 4] xyxy in input pixels and <c>scores</c> [N, A, classes]
/// (layout boxes_scores), so the Predictor only thresholds and runs NMS. Every export also has output <c>features</c>
/// [N, D], the network's own feature vector (<see cref="IFeatureModel"/>), named in the spec's <c>features_output</c>
/// and read only when a predictor asks for it (mining). The output fields of the spec are set by the exporter to match
/// the graph it writes.
/// </summary>
public static partial class OnnxExporter
{
    /// <summary>Name of the feature output every export carries.</summary>
    public const string FeaturesName = "features";

    public static void Export(nn.Module<Tensor, Tensor> model, InferenceSpec spec, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().to(float32).data<float>().ToArray(), StringComparer.Ordinal);
        var children = model.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        var g = new OnnxGraphBuilder(model.GetName());
        string x = g.AddInput("images", OnnxElementType.Float, [null, spec.Channels, spec.InputHeight, spec.InputWidth]);
        int classes = spec.ClassNames.Count;
        if (model is FcosLite or FcosResNet18)
        {
            spec = spec with
            {
                Task = "detect", OutputLayout = OutputLayout.BoxesScores, OutputNames = ["boxes", "scores"],
                BoxFormat = "xyxy", BoxesNormalized = false, BackgroundColumn = -1, FeaturesOutput = FeaturesName,
            };
            var (boxes, scores, features) = FcosGraph(g, x, state, children, spec);
            g.AddOutput(boxes, "boxes", OnnxElementType.Float, [null, null, 4]);
            g.AddOutput(scores, "scores", OnnxElementType.Float, [null, null, classes]);
            long featureWidth = model is FcosResNet18 f ? f.Backbone.FeatureWidth : ((ConvBnAct)children["down4"]).OutChannels;
            g.AddOutput(features, FeaturesName, OnnxElementType.Float, [null, featureWidth]);
        }
        else if (model is EmbeddingNet embedding)
        {
            spec = EmbeddingGraph(g, x, embedding, state, spec);
        }
        else
        {
            var (logits, features) = model switch
            {
                SmallCnn => SmallCnnGraph(g, x, state, children),
                ResNet18 r => ResNet18Graph(g, x, state, r, ""),
                _ => throw new SeerException(ErrorCodes.InvalidInput, $"ONNX export does not support the architecture {model.GetName()}"),
            };
            spec = spec with
            {
                Task = "classify", OutputLayout = OutputLayout.ClassifierLogits, OutputNames = ["logits"], FeaturesOutput = FeaturesName,
            };
            g.AddOutput(logits, "logits", OnnxElementType.Float, [null, classes]);
            g.AddOutput(features, FeaturesName, OnnxElementType.Float, [null, state["fc.weight"].Length / state["fc.bias"].Length]);
        }
        spec.Validate("export");
        OnnxModelWriter.Write(g, path, spec.ToProperties());
    }

    /// <summary>Logits and the classifier's input (the pooled last stage).</summary>
    private static (string Logits, string Features) ResNet18Graph(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state, ResNet18 model, string prefix)
    {
        x = ResNet18Features(g, x, state, model, prefix);
        return (Classifier(g, x, state), x);
    }

    /// <summary>The pooled last stage of a ResNet-18 (its classifier's input); state keys under <paramref name="prefix"/>.</summary>
    private static string ResNet18Features(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state, ResNet18 model, string prefix)
    {
        var (_, _, c5) = ResNetStages(g, x, state, model, prefix);
        return g.Flatten(g.GlobalAveragePool(c5));
    }

    /// <summary>A ResNet18's stem and stages; returns the outputs of stages 2, 3 and 4 (strides 8, 16, 32).</summary>
    private static (string C3, string C4, string C5) ResNetStages(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state, ResNet18 model, string prefix)
    {
        var children = model.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        if (model.Layout.CaffeBgrInput)
        {
            // the fixed RGB-normalised → BGR 0..255 − mean conversion, one 1x1 Conv (Nn/CaffeBgrInput)
            var (w, b) = CaffeBgrInput.Affine();
            x = g.Conv(x, g.AddInitializer($"{prefix}input_adapter.weight", w, 3, 3, 1, 1), g.AddInitializer($"{prefix}input_adapter.bias", b, 3), 1, 1);
        }
        var stem = (ConvBnAct)children["stem"];
        x = ConvBnAct(g, x, prefix + "stem", stem, state);
        if (stem.Kernel == 7) x = g.MaxPool(x, 3, 2, 1);
        var outs = new string[4];
        foreach (string layer in model.BlockNames)
        {
            x = Residual(g, x, prefix + layer, (ResidualBlock)children[layer], state);
            outs[layer[5] - '1'] = x;
        }
        return (outs[1], outs[2], outs[3]);
    }

    /// <summary>The last linear layer (<c>fc.*</c>) over <paramref name="x"/>.</summary>
    private static string Classifier(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state)
    {
        var w = state["fc.weight"];
        var b = state["fc.bias"];
        return g.Linear(x, g.AddInitializer("fc.weight", w, b.Length, w.Length / b.Length), g.AddInitializer("fc.bias", b, b.Length));
    }

    /// <summary>act(conv2(conv1(x)) + shortcut(x)), the shortcut being the identity or a folded 1x1 ConvBn.</summary>
    private static string Residual(OnnxGraphBuilder g, string x, string name, ResidualBlock block, Dictionary<string, float[]> state)
    {
        var parts = block.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        string branch = ConvBnAct(g, ConvBnAct(g, x, $"{name}.conv1", (ConvBnAct)parts["conv1"], state),
            $"{name}.conv2", (ConvBnAct)parts["conv2"], state);
        string shortcut = parts.TryGetValue("shortcut", out var s) ? ConvBnAct(g, x, $"{name}.shortcut", (ConvBnAct)s, state) : x;
        string sum = g.Add(branch, shortcut);
        return block.Activation == ActivationKind.SiLU ? g.Silu(sum) : g.Relu(sum);
    }

    /// <summary>Logits and the classifier's input (hidden layer after ReLU, or the pooled last conv).</summary>
    private static (string Logits, string Features) SmallCnnGraph(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state, Dictionary<string, nn.Module> children)
    {
        x = SmallCnnFeatures(g, x, state, children);
        return (Classifier(g, x, state), x);
    }

    /// <summary>A small CNN's classifier input: the hidden layer after ReLU (small-cnn-fc) or the pooled last conv.</summary>
    private static string SmallCnnFeatures(OnnxGraphBuilder g, string x, Dictionary<string, float[]> state, Dictionary<string, nn.Module> children)
    {
        string Block(string name, string input) => ConvBnAct(g, input, name, (ConvBnAct)children[name], state);
        x = Block("conv2", Block("conv1", x));
        x = g.MaxPool(x, 2, 2);
        x = Block("conv4", Block("conv3", x));
        x = g.MaxPool(x, 2, 2);
        x = Block("conv5", x);
        if (state.ContainsKey("fc1.weight"))
        {
            // small-cnn-fc: flatten in NCHW order (as torch's flatten(1)), hidden layer + ReLU; dropout is identity at inference.
            var w1 = state["fc1.weight"];
            var b1 = state["fc1.bias"];
            x = g.Relu(g.Linear(g.Flatten(x), g.AddInitializer("fc1.weight", w1, b1.Length, w1.Length / b1.Length), g.AddInitializer("fc1.bias", b1, b1.Length)));
        }
        else
        {
            x = g.Flatten(g.GlobalAveragePool(x));
        }
        return x;
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
