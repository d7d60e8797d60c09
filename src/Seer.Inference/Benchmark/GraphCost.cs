using Microsoft.ML.OnnxRuntime;
using Seer.Inference.Quantization;

namespace Seer.Inference.Benchmark;

/// <summary>What a model costs, counted from its graph.</summary>
/// <param name="Parameters">weights and biases of Conv, Gemm and MatMul (through DequantizeLinear in a QDQ model, so an
/// INT8 model counts the same as its FP32 source)</param>
/// <param name="Gflops">floating-point operations per image in billions, 2 per multiply-add of Conv, Gemm and MatMul
/// (the convention torchvision's model tables and Ultralytics use); other operators are not counted</param>
/// <param name="Int8">true when the graph holds QuantizeLinear/DequantizeLinear pairs</param>
public sealed record GraphCost(long Parameters, double Gflops, bool Int8);

/// <summary>
/// Counts parameters and FLOPs of an ONNX model. Output shapes come from one ONNX Runtime run at batch 1 with every
/// Conv/Gemm/MatMul output exposed as a graph output (no shape inference of its own to get wrong).
/// </summary>
public static class GraphCostCounter
{
    public static GraphCost Count(string modelPath, float[] input, long[] inputShape, string inputName)
    {
        ArgumentNullException.ThrowIfNull(input);
        var g = OnnxGraph.Read(modelPath);
        var producer = new Dictionary<string, OnnxGraph.Node>(StringComparer.Ordinal);
        foreach (var n in g.Nodes) foreach (string o in n.Outputs) producer[o] = n;
        // A constant input: the initializer itself, or the one a DequantizeLinear reads.
        OnnxGraph.Initializer? Constant(string name)
        {
            if (g.Initializers.TryGetValue(name, out var t)) return t;
            return producer.TryGetValue(name, out var p) && p.OpType == "DequantizeLinear" && g.Initializers.TryGetValue(p.Inputs[0], out var q) ? q : null;
        }
        var compute = g.Nodes.Where(n => n.Domain.Length == 0 && n.OpType is "Conv" or "Gemm" or "MatMul" && n.Inputs.Count >= 2).ToList();
        long parameters = 0;
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in compute)
            foreach (string i in n.Inputs.Skip(1))
                if (Constant(i) is { } c && counted.Add(c.Name)) parameters += c.Dims.Aggregate(1L, (a, d) => a * d);

        var outputs = compute.Select(n => n.Outputs[0]).Distinct().ToList();
        var known = new HashSet<string>(g.OutputNames, StringComparer.Ordinal);
        byte[] augmented = g.Build(g.Nodes, g.Initializers.Values.Select(i => i.Proto).ToList(), outputs.Where(o => !known.Contains(o)).ToList());
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC })
        using (var session = new InferenceSession(augmented, options))
        using (var x = OrtValue.CreateTensorValueFromMemory(input, inputShape))
        using (var run = new RunOptions())
        using (var results = session.Run(run, [inputName], [x], outputs.ToArray()))
            for (int k = 0; k < outputs.Count; k++) shapes[outputs[k]] = results[k].GetTensorTypeAndShape().Shape;

        double flops = 0;
        long batch = inputShape[0];
        foreach (var n in compute)
        {
            var w = Constant(n.Inputs[1]);
            if (w is null || !shapes.TryGetValue(n.Outputs[0], out var y)) continue;
            double outputs1 = y.Aggregate(1L, (a, d) => a * d) / (double)Math.Max(1, batch);
            double macs = n.OpType switch
            {
                // every output element: (in channels / groups) · kh · kw multiply-adds = weight elements / out channels
                "Conv" => outputs1 * (w.Dims.Aggregate(1L, (a, d) => a * d) / (double)w.Dims[0]),
                // every output element of x · W: K multiply-adds (K the shared dimension)
                "Gemm" => outputs1 * (n.Int("transB", 0) == 1 ? w.Dims[1] : w.Dims[0]),
                _ => outputs1 * w.Dims[0],
            };
            flops += 2 * macs;
        }
        bool int8 = g.Nodes.Any(n => n.OpType == "QuantizeLinear");
        return new GraphCost(parameters, flops / 1e9, int8);
    }
}
