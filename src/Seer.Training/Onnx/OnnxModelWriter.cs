namespace Seer.Training.Onnx;

/// <summary>
/// Writes a graph as an ONNX model file (ModelProto, IR version 8, opset 17) with metadata properties, atomically
/// (a temporary file renamed into place, so a failure never leaves a half-written model).
/// </summary>
public static class OnnxModelWriter
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    /// <summary>The serialised ModelProto bytes.</summary>
    public static byte[] ToBytes(OnnxGraphBuilder graph, IReadOnlyDictionary<string, string>? metadata = null,
        string producerVersion = "1")
    {
        ArgumentNullException.ThrowIfNull(graph);
        // ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8, metadata_props=14.
        var model = new ProtoWriter();
        model.WriteInt64(1, IrVersion);
        model.WriteString(2, "seer");
        model.WriteString(3, producerVersion);
        model.WriteMessage(7, graph.ToProto());
        var opset = new ProtoWriter();
        opset.WriteString(1, "");
        opset.WriteInt64(2, OpsetVersion);
        model.WriteMessage(8, opset);
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var entry = new ProtoWriter();
                entry.WriteString(1, key);
                entry.WriteString(2, value);
                model.WriteMessage(14, entry);
            }
        }
        return model.ToArray();
    }

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file in the same folder.</summary>
    public static void Write(OnnxGraphBuilder graph, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] bytes = ToBytes(graph, metadata);
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
