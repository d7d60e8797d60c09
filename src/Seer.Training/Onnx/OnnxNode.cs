namespace Seer.Training.Onnx;

/// <summary>One operator call in the graph (NodeProto), default domain (ai.onnx).</summary>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes)
{
    internal ProtoWriter ToProto()
    {
        // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5.
        var w = new ProtoWriter();
        foreach (string i in Inputs) w.WriteString(1, i);
        foreach (string o in Outputs) w.WriteString(2, o);
        w.WriteString(3, Name);
        w.WriteString(4, OpType);
        foreach (var a in Attributes) w.WriteMessage(5, a.ToProto());
        return w;
    }
}
