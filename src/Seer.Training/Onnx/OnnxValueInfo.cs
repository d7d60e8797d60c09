namespace Seer.Training.Onnx;

/// <summary>
/// A graph input or output (ValueInfoProto): its name, element type and shape. A dimension is a fixed size, or
/// null with a symbolic name (e.g. the batch dimension "N").
/// </summary>
public sealed record OnnxValueInfo(string Name, OnnxElementType ElementType, IReadOnlyList<long?> Shape,
    string DynamicDimName = "N")
{
    internal ProtoWriter ToProto()
    {
        // ValueInfoProto: name=1, type=2 -> TypeProto.tensor_type=1 -> elem_type=1, shape=2 -> dim=1 -> value=1|param=2.
        var shape = new ProtoWriter();
        foreach (long? d in Shape)
        {
            var dim = new ProtoWriter();
            if (d is { } value) dim.WriteInt64(1, value);
            else dim.WriteString(2, DynamicDimName);
            shape.WriteMessage(1, dim);
        }
        var tensorType = new ProtoWriter();
        tensorType.WriteInt64(1, (int)ElementType);
        tensorType.WriteMessage(2, shape);
        var type = new ProtoWriter();
        type.WriteMessage(1, tensorType);
        var w = new ProtoWriter();
        w.WriteString(1, Name);
        w.WriteMessage(2, type);
        return w;
    }
}
