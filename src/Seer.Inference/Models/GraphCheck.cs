using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Seer.Core.Errors;
using Seer.Core.Inference;

namespace Seer.Inference.Models;

/// <summary>Checks an <see cref="InferenceSpec"/> against the graph's declared inputs and outputs.</summary>
internal static class GraphCheck
{
    public static void Check(InferenceSession session, InferenceSpec spec, string modelPath, string source)
    {
        string where = source == "metadata" ? $"model '{modelPath}'" : $"manifest '{source}' for model '{modelPath}'";
        void Fail(string why) => throw new SeerException(ErrorCodes.InvalidInput, $"{where}: {why}", source == "metadata" ? modelPath : source);

        string inputName = spec.InputName ?? session.InputMetadata.Keys.First();
        if (!session.InputMetadata.TryGetValue(inputName, out var input))
            Fail($"input '{inputName}' is not in the graph (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
        if (input!.ElementDataType != TensorElementType.Float)
            Fail($"input '{inputName}' is {input.ElementDataType}, Seer feeds float32");
        int[] d = input.Dimensions;
        if (d.Length != 4) Fail($"input '{inputName}' has rank {d.Length} ({Shape(d)}); an image input is rank 4");
        (int c, int h, int w) = spec.InputLayout == TensorLayout.Nchw ? (d[1], d[2], d[3]) : (d[3], d[1], d[2]);
        string layout = spec.InputLayout == TensorLayout.Nchw ? "NCHW" : "NHWC";
        string want = spec.InputLayout == TensorLayout.Nchw
            ? $"[N,{spec.Channels},{spec.InputHeight},{spec.InputWidth}]" : $"[N,{spec.InputHeight},{spec.InputWidth},{spec.Channels}]";
        if ((c > 0 && c != spec.Channels) || (h > 0 && h != spec.InputHeight) || (w > 0 && w != spec.InputWidth))
            Fail($"says {layout} input {want} but the graph's input '{inputName}' is {Shape(d)}");

        var outputs = spec.OutputNames.Count > 0 ? spec.OutputNames.ToList() : session.OutputMetadata.Keys.ToList();
        foreach (string o in outputs)
            if (!session.OutputMetadata.ContainsKey(o))
                Fail($"output '{o}' is not in the graph (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
        int needed = spec.OutputLayout == OutputLayout.BoxesScores ? 2 : 1;
        if (outputs.Count < needed)
            Fail($"output layout {InferenceSpec.LayoutName(spec.OutputLayout)} needs {needed} outputs, the graph has {outputs.Count}");
        int classes = spec.ClassNames.Count;
        int[] o0 = session.OutputMetadata[outputs[0]].Dimensions;
        void Dim(int[] dims, string name, int axis, int expected, string meaning)
        {
            if (dims.Length <= axis) Fail($"output '{name}' has rank {dims.Length} ({Shape(dims)}), {InferenceSpec.LayoutName(spec.OutputLayout)} needs {meaning}");
            if (dims[axis] > 0 && dims[axis] != expected)
                Fail($"output '{name}' is {Shape(dims)}; {InferenceSpec.LayoutName(spec.OutputLayout)} with {classes} classes needs {meaning} = {expected} at axis {axis}");
        }
        void Rank(int[] dims, string name, int rank)
        {
            if (dims.Length != rank)
                Fail($"output '{name}' has rank {dims.Length} ({Shape(dims)}), {InferenceSpec.LayoutName(spec.OutputLayout)} needs rank {rank}");
        }
        switch (spec.OutputLayout)
        {
            case OutputLayout.ClassifierLogits or OutputLayout.ClassifierProbs:
                Rank(o0, outputs[0], 2);
                Dim(o0, outputs[0], 1, classes, "[N, classes]");
                break;
            case OutputLayout.YoloV5:
                Rank(o0, outputs[0], 3);
                Dim(o0, outputs[0], 2, 5 + classes, "[N, boxes, 4+1+classes]");
                break;
            case OutputLayout.YoloV8:
                Rank(o0, outputs[0], 3);
                Dim(o0, outputs[0], 1, 4 + classes, "[N, 4+classes, boxes]");
                break;
            case OutputLayout.BoxesScores:
                int[] o1 = session.OutputMetadata[outputs[1]].Dimensions;
                Rank(o0, outputs[0], 3);
                Rank(o1, outputs[1], 3);
                Dim(o0, outputs[0], 2, 4, "boxes [N, boxes, 4]");
                Dim(o1, outputs[1], 2, classes + (spec.BackgroundColumn >= 0 ? 1 : 0), "scores [N, boxes, classes(+background)]");
                if (o0[1] > 0 && o1[1] > 0 && o0[1] != o1[1])
                    Fail($"boxes output '{outputs[0]}' {Shape(o0)} and scores output '{outputs[1]}' {Shape(o1)} disagree on the box count");
                break;
            case OutputLayout.Embedding:
                Rank(o0, outputs[0], 2);
                break;
        }
        if (spec.FeaturesOutput is { } features)
        {
            if (!session.OutputMetadata.TryGetValue(features, out var meta))
                Fail($"features output '{features}' is not in the graph (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
            int[] f = meta!.Dimensions;
            if (f.Length != 2) Fail($"features output '{features}' has rank {f.Length} ({Shape(f)}); it must be [N, D]");
        }
    }

    public static string Shape(int[] dims) => "[" + string.Join(",", dims.Select(x => x < 0 ? "?" : x.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
