using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Inference.Models;
using Seer.Inference.Processing;

namespace Seer.Inference.Quantization;

/// <summary>Settings of <see cref="OnnxQuantizer.QuantizeInt8"/>.</summary>
public sealed record QuantizationOptions
{
    /// <summary>At most this many calibration images (spread evenly over the ones given); default 256.</summary>
    public int MaxImages { get; init; } = 256;

    /// <summary>Images per ONNX Runtime run while calibrating; default 4 (every intermediate tensor is an output).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Where the calibration images came from (recorded in the model's metadata), e.g. DATASET@VERSION.</summary>
    public string Source { get; init; } = "";
}

/// <summary>What <see cref="OnnxQuantizer.QuantizeInt8"/> wrote.</summary>
public sealed record QuantizationReport(string Path, int CalibrationImages, int QuantizedWeights, int QuantizedTensors,
    int FoldedActivations, long Bytes, long SourceBytes);

/// <summary>
/// Static INT8 quantisation of an ONNX model in QDQ form, following the rules of ONNX Runtime's quantisation tool
/// (python/onnxruntime/quantization: qdq_quantizer.py, calibrate.py, quant_utils.py), so ONNX Runtime's CPU provider
/// fuses the pairs into QLinearConv / QGemm / QLinearAdd / QLinearGlobalAveragePool:
/// <list type="bullet">
/// <item>A Conv on the graph's input with fewer than <see cref="MinConvProducts"/> multiply-adds per output (an RGB
/// stem's 3x3, a 1x1 colour mapping) stays float, with its input: the int8 kernels are slower than the float ones
/// there.</item>
/// <item>Weights of Conv, Gemm and MatMul (float initializers): int8, symmetric, one scale per output channel
/// (Conv axis 0; Gemm axis 0 with transB=1, else 1; MatMul axis 1): scale = max|w| / 127, zero point 0, values
/// clipped to [−127, 127]; a DequantizeLinear with that axis feeds the operator.</item>
/// <item>Biases of Conv and Gemm: int32, scale = input scale · weight scale per channel, zero point 0.</item>
/// <item>Activations (inputs of Conv/Gemm/MatMul; inputs and outputs of Add, pools and nearest Resize; outputs of
/// Conv/Gemm/MatMul unless they are graph outputs; the Sigmoid and Mul of a SiLU, x · sigmoid(x), after them): uint8, asymmetric, from the minimum and maximum seen on the
/// calibration images (ONNX Runtime's MinMax calibrator: the range always holds 0; scale = (max − min) / 255, zero
/// point = round(−min / scale)). Each tensor gets one QuantizeLinear → DequantizeLinear pair; all its consumers read
/// the dequantised value, graph outputs stay float. MaxPool and Resize outputs share their input's parameters, as
/// the tool does, so the runtime can drop their pairs.</item>
/// <item>A Relu whose input is the sole output of a quantised Conv/Gemm/Add is removed and that output quantised with
/// the Relu's range (zero point 0: the uint8 clamp is the Relu), the tool's "removable activation" rule.</item>
/// </list>
/// Calibration runs the float model in ONNX Runtime with every tensor to calibrate added as a graph output, over
/// images prepared exactly as prediction prepares them (Predictor.Prepare). The metadata (Seer's
/// inference spec) is carried over, with <c>seer.quantization</c> added, so the result opens like any Seer model.
/// </summary>
public static class OnnxQuantizer
{
    public const string MetadataKey = "seer.quantization";

    private static readonly HashSet<string> WeightOps = new(StringComparer.Ordinal) { "Conv", "Gemm", "MatMul" };

    /// <summary>
    /// A convolution that reads the image (a graph input) with fewer multiply-adds per output value than this (input
    /// channels per group × kernel height × width) stays float, as ONNX Runtime's tool leaves a node in
    /// nodes_to_exclude: a 3x3 stem over RGB has 27, ResNet's 1x1 colour mapping 3, and ONNX Runtime's int8 kernels
    /// (blocks of 4 and more along that sum) are slower there than its FP32 NCHWc kernel: Fashion-MNIST's small-cnn-fc stem took 21 µs as QLinearConv against 10 µs in FP32 at batch 1,
    /// and the whole model ran 2.10× faster than FP32 with that convolution in float against 1.71× without
    /// (docs/training.md, "INT8 deployment of the defaults").
    /// </summary>
    public const int MinConvProducts = 32;

    private static long ProductsPerOutput(long[] weightDims) => weightDims.Length == 4 ? weightDims[1] * weightDims[2] * weightDims[3] : long.MaxValue;
    private static readonly HashSet<string> SharedParamOps = new(StringComparer.Ordinal) { "MaxPool", "Resize" };
    private static readonly HashSet<string> ActivationOps = new(StringComparer.Ordinal) { "Add", "MaxPool", "Resize", "GlobalAveragePool", "AveragePool" };

    /// <summary>
    /// Quantises <paramref name="modelPath"/> into <paramref name="outPath"/> (written atomically), calibrated on
    /// <paramref name="calibration"/>. Refuses an empty calibration set, a model with an operator set below 13 (per-channel
    /// QuantizeLinear/DequantizeLinear) and a model with nothing to quantise.
    /// </summary>
    public static QuantizationReport QuantizeInt8(string modelPath, string outPath, IReadOnlyList<EncodedImage> calibration,
        QuantizationOptions? options = null, IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        options ??= new QuantizationOptions();
        if (options.MaxImages < 1 || options.BatchSize < 1)
            throw new SeerException(ErrorCodes.InvalidOptions, $"calibration needs MaxImages ≥ 1 and BatchSize ≥ 1 (were {options.MaxImages}, {options.BatchSize})");
        if (calibration.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"INT8 quantisation of '{modelPath}' needs calibration images (a dataset version of real images like the ones the model will see); none were given",
                modelPath);
        var graph = OnnxGraph.Read(modelPath);
        if (graph.Opset < 13)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"'{modelPath}' declares operator set {graph.Opset}; per-channel INT8 quantisation needs 13 or later (re-export the model)", modelPath);
        var plan = Plan(graph);
        if (plan.Weights.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"'{modelPath}' has no Conv, Gemm or MatMul with constant weights to quantise", modelPath);

        var images = Spread(calibration, options.MaxImages);
        var ranges = Calibrate(graph, plan, images, options.BatchSize, progress, cancellationToken);
        var parameters = ActivationParameters(plan, ranges);
        var metadata = graph.Metadata();
        metadata[MetadataKey] = string.Create(CultureInfo.InvariantCulture,
            $"int8 qdq; weights int8 symmetric per channel; activations uint8 min-max over {images.Count} images{(options.Source.Length > 0 ? " of " + options.Source : "")}");
        byte[] bytes = Rewrite(graph, plan, parameters, metadata);
        WriteAtomically(outPath, bytes);
        return new QuantizationReport(Path.GetFullPath(outPath), images.Count, plan.Weights.Count, parameters.Count, plan.FoldedRelus.Count,
            bytes.LongLength, new FileInfo(modelPath).Length);
    }

    /// <summary>Which weights, activations and Relus the rewrite touches.</summary>
    private sealed class QuantPlan
    {
        /// <summary>Weight initializer → (node, axis) of the first node using it.</summary>
        public Dictionary<string, int> Weights { get; } = new(StringComparer.Ordinal);
        /// <summary>Bias initializer → (input tensor, weight) it is scaled by.</summary>
        public Dictionary<string, (string Input, string Weight)> Biases { get; } = new(StringComparer.Ordinal);
        /// <summary>Activation tensors to quantise, in graph order (after Relu folding, names are the Relu outputs).</summary>
        public List<string> Tensors { get; } = [];
        /// <summary>Tensor → tensor whose parameters it shares (MaxPool/Resize outputs).</summary>
        public Dictionary<string, string> Shared { get; } = new(StringComparer.Ordinal);
        /// <summary>Relu nodes removed: producer output → Relu output.</summary>
        public Dictionary<string, string> FoldedRelus { get; } = new(StringComparer.Ordinal);
    }

    private static QuantPlan Plan(OnnxGraph g)
    {
        var plan = new QuantPlan();
        var consumers = new Dictionary<string, List<OnnxGraph.Node>>(StringComparer.Ordinal);
        var producer = new Dictionary<string, OnnxGraph.Node>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            foreach (string i in n.Inputs.Where(i => i.Length > 0))
                (consumers.TryGetValue(i, out var l) ? l : consumers[i] = []).Add(n);
            foreach (string o in n.Outputs) producer[o] = n;
        }
        var outputs = new HashSet<string>(g.OutputNames, StringComparer.Ordinal);
        bool IsConst(string name) => g.Initializers.ContainsKey(name);
        bool FloatConst(string name, int rank) => g.Initializers.TryGetValue(name, out var t) && t.Values is not null && t.Dims.Length == rank;

        bool Quantizable(OnnxGraph.Node n)
        {
            if (n.Domain.Length > 0 || n.Inputs.Count == 0 || IsConst(n.Inputs[0])) return false;
            return n.OpType switch
            {
                "Conv" => n.Inputs.Count >= 2 && FloatConst(n.Inputs[1], 4) && (n.Inputs.Count < 3 || FloatConst(n.Inputs[2], 1))
                          && !(g.InputNames.Contains(n.Inputs[0]) && ProductsPerOutput(g.Initializers[n.Inputs[1]].Dims) < MinConvProducts),
                "Gemm" => n.Inputs.Count >= 2 && FloatConst(n.Inputs[1], 2) && n.Int("transA", 0) == 0
                          && n.Float("alpha", 1f) == 1f && n.Float("beta", 1f) == 1f && (n.Inputs.Count < 3 || FloatConst(n.Inputs[2], 1)),
                "MatMul" => FloatConst(n.Inputs[1], 2),
                "Add" => n.Inputs.Count == 2 && !IsConst(n.Inputs[1]),
                "Resize" => n.Int("antialias", 0) == 0 && IsNearest(n),
                "MaxPool" => n.Outputs.Count == 1,
                "GlobalAveragePool" or "AveragePool" => true,
                _ => false,
            };
        }

        var quantizable = g.Nodes.Where(Quantizable).ToHashSet();
        // SiLU written as Mul(x, Sigmoid(x)) after a quantised operator (Seer's FCOS necks and heads): the Sigmoid and
        // the Mul run as QLinearSigmoid and QLinearMul. Other Mul and Sigmoid nodes (a detector's box and score
        // decoding) stay float.
        foreach (var mul in g.Nodes.Where(n => n.OpType == "Mul" && n.Domain.Length == 0 && n.Inputs.Count == 2))
        {
            for (int k = 0; k < 2; k++)
            {
                string x = mul.Inputs[k], s = mul.Inputs[1 - k];
                if (producer.TryGetValue(s, out var sig) && sig.OpType == "Sigmoid" && sig.Inputs[0] == x
                    && producer.TryGetValue(x, out var p) && quantizable.Contains(p) && !outputs.Contains(s))
                {
                    quantizable.Add(sig);
                    quantizable.Add(mul);
                    break;
                }
            }
        }
        // Relu folding: producer → sole consumer Relu, neither tensor a graph output.
        foreach (var relu in g.Nodes.Where(n => n.OpType == "Relu" && n.Domain.Length == 0))
        {
            string x = relu.Inputs[0], r = relu.Outputs[0];
            if (producer.TryGetValue(x, out var p) && quantizable.Contains(p) && p.OpType is "Conv" or "Gemm" or "MatMul" or "Add"
                && consumers[x].Count == 1 && !outputs.Contains(x) && !outputs.Contains(r))
                plan.FoldedRelus[x] = r;
        }
        string Name(string t) => plan.FoldedRelus.TryGetValue(t, out var r) ? r : t;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string t)
        {
            t = Name(t);
            if (t.Length > 0 && !IsConst(t) && seen.Add(t)) plan.Tensors.Add(t);
        }
        foreach (var n in g.Nodes.Where(quantizable.Contains))
        {
            if (WeightOps.Contains(n.OpType))
            {
                Add(n.Inputs[0]);
                int axis = n.OpType switch { "Conv" => 0, "Gemm" => n.Int("transB", 0) == 1 ? 0 : 1, _ => 1 };
                plan.Weights.TryAdd(n.Inputs[1], axis);
                if (n.Inputs.Count >= 3 && n.Inputs[2].Length > 0 && !plan.Biases.ContainsKey(n.Inputs[2]))
                    plan.Biases[n.Inputs[2]] = (Name(n.Inputs[0]), n.Inputs[1]);
                if (!outputs.Contains(Name(n.Outputs[0]))) Add(n.Outputs[0]);
            }
            else
            {
                IEnumerable<string> inputs = n.OpType is "Add" or "Mul" ? n.Inputs : [n.Inputs[0]];
                foreach (string i in inputs) Add(i);
                Add(n.Outputs[0]);
                if (SharedParamOps.Contains(n.OpType)) plan.Shared[Name(n.Outputs[0])] = Name(n.Inputs[0]);
            }
        }
        return plan;
    }

    private static bool IsNearest(OnnxGraph.Node n)
    {
        foreach (var a in n.Proto.All(5).Select(f => f.Message))
            if (a.Text(1) == "mode") return a.Text(4) == "nearest";
        return true; // Resize's default mode is nearest
    }

    private static List<EncodedImage> Spread(IReadOnlyList<EncodedImage> images, int max)
    {
        if (images.Count <= max) return images.ToList();
        var picked = new List<EncodedImage>(max);
        for (int i = 0; i < max; i++) picked.Add(images[(int)((long)i * images.Count / max)]);
        return picked;
    }

    /// <summary>Min and max of every planned tensor over the images (ONNX Runtime on the float model, tensors exposed as outputs).</summary>
    private static Dictionary<string, (float Min, float Max)> Calibrate(OnnxGraph g, QuantPlan plan, List<EncodedImage> images, int batchSize,
        IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        var outputs = new HashSet<string>(g.OutputNames, StringComparer.Ordinal);
        var extra = plan.Tensors.Where(t => !outputs.Contains(t) && !g.InputNames.Contains(t)).ToList();
        byte[] augmented = g.Build(g.Nodes, g.Initializers.Values.Select(i => i.Proto).ToList(), extra);
        using var model = OnnxModel.Load(g.Path);
        var predictor = new Predictor(model, new PredictorOptions { BatchSize = batchSize });
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(augmented, sessionOptions);
        var ranges = new Dictionary<string, (float Min, float Max)>(StringComparer.Ordinal);
        var inputTensors = plan.Tensors.Where(g.InputNames.Contains).ToList();
        var runOutputs = plan.Tensors.Where(t => !g.InputNames.Contains(t)).ToArray();
        int batch = model.FixedBatch ?? batchSize;
        for (int start = 0; start < images.Count; start += batch)
        {
            ct.ThrowIfCancellationRequested();
            var chunk = images.Skip(start).Take(batch).ToList();
            var prepared = predictor.Prepare(chunk);
            int used = chunk.Count * (int)(prepared.Tensor.Length / prepared.Shape[0]);
            foreach (string t in inputTensors) Update(ranges, t, prepared.Tensor.AsSpan(0, used));
            using var input = OrtValue.CreateTensorValueFromMemory(prepared.Tensor, prepared.Shape);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [model.InputName], [input], runOutputs);
            for (int k = 0; k < runOutputs.Length; k++)
            {
                var data = results[k].GetTensorDataAsSpan<float>();
                long[] shape = results[k].GetTensorTypeAndShape().Shape;
                // with a fixed batch padded by zeros, only the real images count
                int length = shape.Length > 0 && shape[0] == prepared.Shape[0] && prepared.Shape[0] > chunk.Count
                    ? (int)(data.Length / shape[0] * chunk.Count) : data.Length;
                Update(ranges, runOutputs[k], data[..length]);
            }
            progress?.Report(new WorkProgress("calibrate", Math.Min(start + batch, images.Count), images.Count));
        }
        return ranges;
    }

    private static void Update(Dictionary<string, (float Min, float Max)> ranges, string name, ReadOnlySpan<float> data)
    {
        if (data.IsEmpty) return;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        bool nan = false;
        foreach (float v in data)
        {
            if (v < min) min = v;
            if (v > max) max = v;
            nan |= float.IsNaN(v);
        }
        if (nan)
            throw new SeerException(ErrorCodes.InvalidInput, $"tensor '{name}' is NaN on a calibration image; the float model itself is broken");
        ranges[name] = ranges.TryGetValue(name, out var r) ? (Math.Min(r.Min, min), Math.Max(r.Max, max)) : (min, max);
    }

    /// <summary>uint8 scale and zero point per tensor; shared tensors take their source's.</summary>
    private static Dictionary<string, (float Scale, byte ZeroPoint)> ActivationParameters(QuantPlan plan, Dictionary<string, (float Min, float Max)> ranges)
    {
        var p = new Dictionary<string, (float, byte)>(StringComparer.Ordinal);
        foreach (string t in plan.Tensors)
        {
            if (!ranges.TryGetValue(t, out var r)) continue;
            float min = Math.Min(0f, r.Min), max = Math.Max(0f, r.Max);
            if (max - min < 1e-12f) { p[t] = (1f, 0); continue; }
            float scale = (max - min) / 255f;
            p[t] = (scale, (byte)Math.Clamp(Math.Round(-min / scale, MidpointRounding.ToEven), 0, 255));
        }
        foreach (string t in plan.Tensors)
        {
            string source = t;
            while (plan.Shared.TryGetValue(source, out var s) && s != source) source = s;
            if (source != t && p.TryGetValue(source, out var shared)) p[t] = shared;
        }
        return p;
    }

    private static byte[] Rewrite(OnnxGraph g, QuantPlan plan, Dictionary<string, (float Scale, byte ZeroPoint)> activations,
        Dictionary<string, string> metadata)
    {
        var names = new HashSet<string>(g.Initializers.Keys, StringComparer.Ordinal);
        foreach (var n in g.Nodes) { names.UnionWith(n.Outputs); names.UnionWith(n.Inputs); }
        names.UnionWith(g.InputNames);
        string Fresh(string wanted)
        {
            string name = wanted;
            for (int k = 2; !names.Add(name); k++) name = $"{wanted}_{k}";
            return name;
        }

        var initializers = new List<ProtoMessage>();
        var nodes = new List<OnnxGraph.Node>();
        var dequantized = new Dictionary<string, string>(StringComparer.Ordinal); // tensor → its DequantizeLinear output
        var weightScales = new Dictionary<string, float[]>(StringComparer.Ordinal);

        // Weights: int8 per channel + DequantizeLinear(axis).
        foreach (var (name, axis) in plan.Weights)
        {
            var w = g.Initializers[name];
            var (q, scales) = QuantizeWeight(w.Values!, w.Dims, axis);
            weightScales[name] = scales;
            string qName = Fresh(name + "_quantized"), sName = Fresh(name + "_scale"), zName = Fresh(name + "_zero_point");
            initializers.Add(OnnxGraph.Tensor(qName, OnnxGraph.TypeInt8, w.Dims, System.Runtime.InteropServices.MemoryMarshal.AsBytes(q.AsSpan()).ToArray()));
            initializers.Add(OnnxGraph.FloatTensor(sName, [scales.Length], scales));
            initializers.Add(OnnxGraph.Tensor(zName, OnnxGraph.TypeInt8, [scales.Length], new byte[scales.Length]));
            string dq = Fresh(name + "_dequantized");
            nodes.Add(OnnxGraph.Node.Create("DequantizeLinear", Fresh(name + "_DequantizeLinear"), [qName, sName, zName], [dq], axis));
            dequantized[name] = dq;
        }
        // Biases: int32 with scale = input scale · weight scale.
        foreach (var (name, (input, weight)) in plan.Biases)
        {
            if (!activations.TryGetValue(input, out var xp)) continue;
            var b = g.Initializers[name];
            float[] ws = weightScales[weight];
            if (ws.Length != b.Values!.Length) continue;
            var scales = new float[ws.Length];
            var q = new int[ws.Length];
            for (int c = 0; c < ws.Length; c++)
            {
                scales[c] = xp.Scale * ws[c];
                q[c] = (int)Math.Clamp(Math.Round(b.Values[c] / scales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue);
            }
            string qName = Fresh(name + "_quantized"), sName = Fresh(name + "_scale"), zName = Fresh(name + "_zero_point");
            initializers.Add(OnnxGraph.Int32Tensor(qName, b.Dims, q));
            initializers.Add(OnnxGraph.FloatTensor(sName, [scales.Length], scales));
            initializers.Add(OnnxGraph.Int32Tensor(zName, [scales.Length], new int[scales.Length]));
            string dq = Fresh(name + "_dequantized");
            nodes.Add(OnnxGraph.Node.Create("DequantizeLinear", Fresh(name + "_DequantizeLinear"), [qName, sName, zName], [dq], 0));
            dequantized[name] = dq;
        }

        void QdqAfter(string tensor)
        {
            if (!activations.TryGetValue(tensor, out var p) || dequantized.ContainsKey(tensor)) return;
            string sName = Fresh(tensor + "_scale"), zName = Fresh(tensor + "_zero_point");
            initializers.Add(OnnxGraph.FloatTensor(sName, [], [p.Scale]));
            initializers.Add(OnnxGraph.Tensor(zName, OnnxGraph.TypeUint8, [], [p.ZeroPoint]));
            string q = Fresh(tensor + "_quantized"), dq = Fresh(tensor + "_dequantized");
            nodes.Add(OnnxGraph.Node.Create("QuantizeLinear", Fresh(tensor + "_QuantizeLinear"), [tensor, sName, zName], [q]));
            nodes.Add(OnnxGraph.Node.Create("DequantizeLinear", Fresh(tensor + "_DequantizeLinear"), [q, sName, zName], [dq]));
            dequantized[tensor] = dq;
        }

        foreach (string input in g.InputNames) QdqAfter(input);
        var foldedReluOutputs = new HashSet<string>(plan.FoldedRelus.Values, StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            if (n.OpType == "Relu" && n.Domain.Length == 0 && foldedReluOutputs.Contains(n.Outputs[0]) && plan.FoldedRelus.ContainsKey(n.Inputs[0]))
                continue; // removed: its producer now writes the Relu's output, quantised with zero point 0
            var copy = new OnnxGraph.Node
            {
                Proto = n.Proto, OpType = n.OpType, Domain = n.Domain,
                Inputs = n.Inputs.Select(i => dequantized.TryGetValue(i, out var d) ? d : i).ToList(),
                Outputs = n.Outputs.Select(o => plan.FoldedRelus.TryGetValue(o, out var r) ? r : o).ToList(),
            };
            nodes.Add(copy);
            foreach (string o in copy.Outputs) QdqAfter(o);
        }

        // Keep the initializers something still reads; the float weights and biases replaced above go.
        var used = new HashSet<string>(nodes.SelectMany(n => n.Inputs), StringComparer.Ordinal);
        foreach (var (name, t) in g.Initializers)
            if (used.Contains(name)) initializers.Add(t.Proto);
        var keep = new HashSet<string>(used, StringComparer.Ordinal);
        keep.UnionWith(nodes.SelectMany(n => n.Outputs));
        keep.UnionWith(g.InputNames.Where(i => !g.Initializers.ContainsKey(i) || used.Contains(i)));
        keep.UnionWith(g.OutputNames);
        return g.Build(nodes, initializers, null, metadata, keep);
    }

    /// <summary>Symmetric int8 per channel along <paramref name="axis"/>: scale = max|w| / 127, values in [−127, 127].</summary>
    internal static (sbyte[] Values, float[] Scales) QuantizeWeight(float[] w, long[] dims, int axis)
    {
        int channels = (int)dims[axis];
        long inner = 1;
        for (int d = axis + 1; d < dims.Length; d++) inner *= dims[d];
        var max = new float[channels];
        for (long i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            max[c] = Math.Max(max[c], Math.Abs(w[i]));
        }
        var scales = max.Select(m => m > 0 ? m / 127f : 1f).ToArray();
        var q = new sbyte[w.Length];
        for (long i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            q[i] = (sbyte)Math.Clamp(Math.Round(w[i] / scales[c], MidpointRounding.ToEven), -127, 127);
        }
        return (q, scales);
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string temp = full + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
