using Seer.Core.Errors;
using Seer.Training.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seer.Training.Onnx;

/// <summary>What an import copied: every tensor written (name in the target module → values) and the pairing.</summary>
public sealed record OnnxImportResult(Dictionary<string, Tensor> Tensors, IReadOnlyList<(string Seer, string Onnx)> Pairs,
    IReadOnlyList<string> NotImported, int Convs, int BatchNorms, int Linears);

/// <summary>
/// Maps an ONNX graph's weights onto a Seer network by graph structure: the network's layers with weights
/// (ConvBnAct = Conv + BatchNorm, a plain Conv2d, Linear) in registration (forward) order are paired with the ONNX
/// graph's Conv (+ the BatchNormalization that consumes it), Conv and Gemm nodes in topological order. A Seer layer
/// takes the first free ONNX layer among the next three whose kind, weight shape and stride fit, so a shortcut
/// convolution listed before or after its block's first convolution still pairs (their shapes differ). An ONNX conv
/// bias is folded into the batch norm's mean, a different batch-norm ε into the variance. Trailing Seer Linear layers
/// without an ONNX Gemm (a classifier over a feature extractor) stay as initialised and are listed as not imported;
/// anything else unpaired is an error that names the Seer layer, the ONNX node and both shapes.
/// </summary>
public static class OnnxWeightImport
{
    private const double SeerBatchNormEpsilon = 1e-5;
    private const int Window = 3;

    private enum Kind { ConvBn, Conv, Linear }

    private sealed record SeerLayer(string Name, Kind Kind, long[] Shape, int Stride, nn.Module Module);

    private sealed record OnnxLayer(OnnxReadNode Node, Kind Kind, OnnxReadTensor Weight, OnnxReadTensor? Bias, OnnxReadNode? Bn, int Stride, bool TransposeB);

    public static OnnxImportResult Import(string onnxPath, nn.Module target)
    {
        ArgumentNullException.ThrowIfNull(target);
        OnnxModelReader model = OnnxModelReader.Read(onnxPath);
        List<OnnxLayer> onnx = OnnxLayers(model, onnxPath);
        List<SeerLayer> seer = SeerLayers(target);
        var used = new bool[onnx.Count];
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var pairs = new List<(string, string)>();
        var notImported = new List<string>();
        int next = 0, convs = 0, bns = 0, linears = 0;
        foreach (SeerLayer s in seer)
        {
            while (next < onnx.Count && used[next]) next++;
            int found = -1;
            for (int j = next, seen = 0; j < onnx.Count && seen < Window; j++)
            {
                if (used[j]) continue;
                seen++;
                if (Fits(s, onnx[j])) { found = j; break; }
            }
            if (found < 0)
            {
                if (s.Kind == Kind.Linear && !onnx.Where((o, i) => !used[i] && o.Kind == Kind.Linear).Any())
                {
                    notImported.Add(s.Name);
                    continue;
                }
                string at = next < onnx.Count ? Describe(onnx[next]) : "the end of the graph";
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"'{onnxPath}' does not fit the Seer network {target.GetName()}: Seer layer '{s.Name}' ({s.Kind}, weight [{string.Join(",", s.Shape)}], stride {s.Stride}) " +
                    $"has no matching ONNX layer; next in the graph: {at}", onnxPath);
            }
            used[found] = true;
            OnnxLayer o = onnx[found];
            Copy(s, o, tensors, model);
            pairs.Add((s.Name, o.Node.Name.Length > 0 ? o.Node.Name : o.Node.Outputs[0]));
            if (s.Kind == Kind.Linear) linears++;
            else convs++;
            if (o.Bn is not null) bns++;
        }
        int left = used.Count(u => !u);
        if (left > 0)
        {
            var first = onnx.Where((_, i) => !used[i]).First();
            throw new SeerException(ErrorCodes.InvalidInput,
                $"'{onnxPath}' has {left} weight layer(s) the Seer network {target.GetName()} does not have, first {Describe(first)}", onnxPath);
        }
        return new OnnxImportResult(tensors, pairs, notImported, convs, bns, linears);
    }

    private static string Describe(OnnxLayer o) =>
        $"{o.Node.OpType} '{o.Node.Name}' (weight [{string.Join(",", o.Weight.Dims)}], stride {o.Stride}{(o.Bn is null ? "" : ", + BatchNormalization")})";

    private static bool Fits(SeerLayer s, OnnxLayer o)
    {
        if (s.Kind == Kind.Linear) return o.Kind == Kind.Linear && s.Shape.SequenceEqual(o.TransposeB ? o.Weight.Dims : [o.Weight.Dims[1], o.Weight.Dims[0]]);
        if (o.Kind == Kind.Linear) return false;
        if (s.Kind == Kind.Conv && o.Bn is not null) return false;
        return s.Shape.SequenceEqual(o.Weight.Dims) && s.Stride == o.Stride;
    }

    private static void Copy(SeerLayer s, OnnxLayer o, Dictionary<string, Tensor> tensors, OnnxModelReader model)
    {
        Tensor T(float[] v, long[] shape) => torch.tensor(v, shape);
        string p = s.Name.Length == 0 ? "" : s.Name + ".";
        switch (s.Kind)
        {
            case Kind.Linear:
            {
                float[] w = o.Weight.Values;
                if (!o.TransposeB) w = Transpose(w, (int)o.Weight.Dims[0], (int)o.Weight.Dims[1]);
                tensors[p + "weight"] = T(w, s.Shape);
                if (o.Bias is not null) tensors[p + "bias"] = T(o.Bias.Values, [s.Shape[0]]);
                break;
            }
            case Kind.Conv:
                tensors[p + "weight"] = T(o.Weight.Values, s.Shape);
                if (o.Bias is not null) tensors[p + "bias"] = T(o.Bias.Values, [s.Shape[0]]);
                break;
            case Kind.ConvBn:
            {
                int outC = (int)s.Shape[0];
                tensors[p + "conv.weight"] = T(o.Weight.Values, s.Shape);
                float[] gamma, beta, mean, variance;
                if (o.Bn is null)
                {
                    // a Conv without batch norm: the identity batch norm carrying the conv's bias
                    gamma = Enumerable.Repeat(1f, outC).ToArray();
                    beta = o.Bias?.Values.ToArray() ?? new float[outC];
                    mean = new float[outC];
                    variance = Enumerable.Repeat((float)(1 - SeerBatchNormEpsilon), outC).ToArray();
                }
                else
                {
                    OnnxReadTensor Input(int i) => o.Bn.Inputs.Count > i && Lookup(o.Bn.Inputs[i]) is { } t ? t
                        : throw new SeerException(ErrorCodes.InvalidInput, $"BatchNormalization '{o.Bn.Name}' input {i} is not a float initializer");
                    gamma = Input(1).Values;
                    beta = Input(2).Values;
                    mean = Input(3).Values.ToArray();
                    variance = Input(4).Values.ToArray();
                    if (o.Bias is not null) for (int c = 0; c < outC; c++) mean[c] -= o.Bias.Values[c];
                    double eps = o.Bn.Floats.TryGetValue("epsilon", out float e) ? e : 1e-5;
                    for (int c = 0; c < outC; c++) variance[c] = (float)(variance[c] + eps - SeerBatchNormEpsilon);
                }
                tensors[p + "bn.weight"] = T(gamma, [outC]);
                tensors[p + "bn.bias"] = T(beta, [outC]);
                tensors[p + "bn.running_mean"] = T(mean, [outC]);
                tensors[p + "bn.running_var"] = T(variance, [outC]);
                break;
            }
        }
        OnnxReadTensor? Lookup(string name) => model.Initializers.GetValueOrDefault(name);
    }

    private static float[] Transpose(float[] w, int rows, int cols)
    {
        var t = new float[w.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
        return t;
    }

    private static List<OnnxLayer> OnnxLayers(OnnxModelReader model, string path)
    {
        var consumers = new Dictionary<string, List<OnnxReadNode>>(StringComparer.Ordinal);
        foreach (var n in model.Nodes)
            foreach (string i in n.Inputs)
            {
                if (!consumers.TryGetValue(i, out var list)) consumers[i] = list = [];
                list.Add(n);
            }
        var layers = new List<OnnxLayer>();
        foreach (var n in model.Nodes)
        {
            if (n.OpType is not ("Conv" or "Gemm")) continue;
            OnnxReadTensor weight = n.Inputs.Count > 1 && model.Initializers.TryGetValue(n.Inputs[1], out var w) ? w
                : throw new SeerException(ErrorCodes.InvalidInput, $"{n.OpType} '{n.Name}' in '{path}' has no float weight initializer", path);
            OnnxReadTensor? bias = n.Inputs.Count > 2 && n.Inputs[2].Length > 0 ? model.Initializers.GetValueOrDefault(n.Inputs[2]) : null;
            if (n.OpType == "Gemm")
            {
                bool transB = n.Ints.TryGetValue("transB", out var tb) && tb[0] != 0;
                layers.Add(new OnnxLayer(n, Kind.Linear, weight, bias, null, 1, transB));
                continue;
            }
            if (n.Ints.TryGetValue("group", out var g) && g[0] != 1)
                throw new SeerException(ErrorCodes.InvalidInput, $"Conv '{n.Name}' in '{path}' is grouped (group {g[0]}); Seer's architectures have no grouped convolutions", path);
            int stride = n.Ints.TryGetValue("strides", out var st) ? (int)st[0] : 1;
            if (n.Ints.TryGetValue("pads", out var pads) && weight.Dims.Length == 4)
            {
                long k = weight.Dims[2] / 2;
                // Seer pads k/2 on every side; an ONNX end pad below the begin pad equals it for even input sizes
                if (pads.Length != 4 || pads[0] != k || pads[1] != k || pads[2] > k || pads[3] > k)
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"Conv '{n.Name}' in '{path}' pads [{string.Join(",", pads)}]; Seer's {weight.Dims[2]}x{weight.Dims[3]} convolutions pad {k} on each side", path);
            }
            OnnxReadNode? bn = consumers.TryGetValue(n.Outputs[0], out var c) && c.Count == 1 && c[0].OpType == "BatchNormalization" ? c[0] : null;
            layers.Add(new OnnxLayer(n, bn is null ? Kind.Conv : Kind.ConvBn, weight, bias, bn, stride, false));
        }
        return layers;
    }

    private static List<SeerLayer> SeerLayers(nn.Module target)
    {
        var layers = new List<SeerLayer>();
        var blocks = new List<string>();
        foreach (var (name, module) in target.named_modules())
        {
            if (blocks.Any(b => name.StartsWith(b, StringComparison.Ordinal))) continue;
            switch (module)
            {
                case ConvBnAct cba:
                    layers.Add(new SeerLayer(name, Kind.ConvBn, [cba.OutChannels, cba.InChannels, cba.Kernel, cba.Kernel], cba.Stride, cba));
                    blocks.Add(name + ".");
                    break;
                case Conv2d conv:
                    layers.Add(new SeerLayer(name, Kind.Conv, conv.weight!.shape, 1, conv));
                    break;
                case Linear linear:
                    layers.Add(new SeerLayer(name, Kind.Linear, linear.weight!.shape, 1, linear));
                    break;
            }
        }
        return layers;
    }
}
