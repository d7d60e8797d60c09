namespace Seer.Inference.Quantization;

/// <summary>The operators of an ONNX file's graph, in file order (to see what a runtime's optimised graph runs).</summary>
public static class OnnxOperators
{
    public static IReadOnlyList<string> Of(string path) => OnnxGraph.Read(path).Nodes.Select(n => n.OpType).ToList();
}
