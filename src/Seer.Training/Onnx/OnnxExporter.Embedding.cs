using Seer.Core.Inference;
using Seer.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Onnx;

public static partial class OnnxExporter
{
    /// <summary>Name of an embedding model's output: unit-length vectors [N, D] (layout embedding).</summary>
    public const string EmbeddingName = "embedding";

    /// <summary>
    /// An <see cref="EmbeddingNet"/>: the backbone's feature graph (as its classifier export), BatchNorm1d folded into the
    /// linear layer, then LpNormalization (p 2): output <c>embedding</c> [N, D] and <c>features</c> (the backbone's).
    /// </summary>
    private static InferenceSpec EmbeddingGraph(OnnxGraphBuilder g, string x, EmbeddingNet net, Dictionary<string, float[]> state, InferenceSpec spec)
    {
        const string prefix = "backbone.";
        var backboneState = state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        var backboneChildren = net.Backbone.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        string features = net.Backbone switch
        {
            SmallCnn => SmallCnnFeatures(g, x, backboneState, backboneChildren),
            ResNet18 r => ResNet18Features(g, x, state, r, prefix),
            _ => throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput, $"ONNX export does not support the backbone {net.Backbone.GetName()}"),
        };
        // y = W·(γ·(x − μ)/√(σ² + ε) + β) + b  =  (W·diag(a))·x + (b + W·(β − a·μ)), a = γ/√(σ² + ε).
        int f = net.FeatureDimension, d = net.Dimension;
        float[] gamma = state["neck_bn.weight"], beta = state["neck_bn.bias"], mean = state["neck_bn.running_mean"], variance = state["neck_bn.running_var"];
        float[] w = state["neck.weight"], b = state["neck.bias"];
        var weight = new float[d * f];
        var bias = new float[d];
        for (int o = 0; o < d; o++)
        {
            double sum = b[o];
            for (int i = 0; i < f; i++)
            {
                double a = gamma[i] / Math.Sqrt(variance[i] + 1e-5);
                weight[o * f + i] = (float)(w[o * f + i] * a);
                sum += w[o * f + i] * (beta[i] - a * mean[i]);
            }
            bias[o] = (float)sum;
        }
        string neck = g.Linear(features, g.AddInitializer("neck.weight", weight, d, f), g.AddInitializer("neck.bias", bias, d));
        string embedding = g.AddNode("LpNormalization", [neck], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("p", 2L));
        g.AddOutput(embedding, EmbeddingName, OnnxElementType.Float, [null, d]);
        g.AddOutput(features, FeaturesName, OnnxElementType.Float, [null, f]);
        return spec with
        {
            Task = "embed", OutputLayout = OutputLayout.Embedding, OutputNames = [EmbeddingName], FeaturesOutput = FeaturesName,
        };
    }
}
