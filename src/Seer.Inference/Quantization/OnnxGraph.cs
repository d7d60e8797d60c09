using System.Buffers.Binary;
using Seer.Core.Errors;

namespace Seer.Inference.Quantization;

/// <summary>
/// An ONNX model opened for editing: the ModelProto with its graph's nodes, initializers, inputs and outputs picked
/// out, everything else kept as read (<see cref="ProtoMessage"/>). Field numbers are onnx.proto's: ModelProto
/// graph=7, opset_import=8, metadata_props=14; GraphProto node=1, initializer=5, input=11, output=12, value_info=13;
/// NodeProto input=1, output=2, name=3, op_type=4, attribute=5, domain=7; TensorProto dims=1, data_type=2,
/// float_data=4, name=8, raw_data=9.
/// </summary>
internal sealed class OnnxGraph
{
    public const int TypeFloat = 1, TypeUint8 = 2, TypeInt8 = 3, TypeInt32 = 6, TypeInt64 = 7;

    internal sealed class Node
    {
        public required ProtoMessage Proto { get; init; }
        public required string OpType { get; init; }
        public required string Domain { get; init; }
        public List<string> Inputs { get; set; } = [];
        public List<string> Outputs { get; set; } = [];

        public long Int(string attribute, long fallback)
        {
            foreach (var a in Proto.All(5).Select(f => f.Message))
                if (a.Text(1) == attribute) return (long)a.Varint(3, (ulong)fallback);
            return fallback;
        }

        public float Float(string attribute, float fallback)
        {
            foreach (var a in Proto.All(5).Select(f => f.Message))
                if (a.Text(1) == attribute)
                {
                    var f = a.Fields.LastOrDefault(x => x.Number == 2 && x.Wire == 5);
                    return f is null ? fallback : BitConverter.Int32BitsToSingle((int)f.Value);
                }
            return fallback;
        }

        /// <summary>The node's proto with its current inputs and outputs (other fields as read).</summary>
        public ProtoMessage ToProto()
        {
            var m = new ProtoMessage();
            foreach (string i in Inputs) m.AddText(1, i);
            foreach (string o in Outputs) m.AddText(2, o);
            m.Fields.AddRange(Proto.Fields.Where(f => f.Number is not (1 or 2)));
            return m;
        }

        public static Node Create(string op, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, long? axis = null)
        {
            var proto = new ProtoMessage().AddText(3, name).AddText(4, op);
            if (axis is long a)
                proto.AddMessage(5, new ProtoMessage().AddText(1, "axis").AddVarint(3, a).AddVarint(20, 2)); // type INT
            return new Node { Proto = proto, OpType = op, Domain = "", Inputs = inputs.ToList(), Outputs = outputs.ToList() };
        }
    }

    /// <summary>A float initializer's shape and values (null values for other element types).</summary>
    internal sealed record Initializer(string Name, long[] Dims, int DataType, float[]? Values, ProtoMessage Proto);

    private OnnxGraph(string path, ProtoMessage model, ProtoMessage graph)
    {
        Path = path;
        Model = model;
        Graph = graph;
    }

    public string Path { get; }
    public ProtoMessage Model { get; }
    public ProtoMessage Graph { get; }
    public List<Node> Nodes { get; } = [];
    public Dictionary<string, Initializer> Initializers { get; } = new(StringComparer.Ordinal);
    public List<string> InputNames { get; } = [];
    public List<string> OutputNames { get; } = [];

    /// <summary>The default domain's operator set version (0 when the model declares none).</summary>
    public long Opset => Model.All(8).Select(f => f.Message).Where(o => o.Text(1) is "" or "ai.onnx").Select(o => (long)o.Varint(2)).DefaultIfEmpty(0).Max();

    public static OnnxGraph Read(string path)
    {
        if (!File.Exists(path)) throw new SeerException(ErrorCodes.NotFound, $"ONNX file '{path}' does not exist", path);
        try
        {
            var model = ProtoMessage.Parse(File.ReadAllBytes(path));
            var graphField = model.All(7).LastOrDefault() ?? throw new FormatException("no graph (ModelProto field 7)");
            var graph = graphField.Message;
            var g = new OnnxGraph(path, model, graph);
            foreach (var f in graph.Fields)
            {
                switch (f.Number)
                {
                    case 1:
                        var n = f.Message;
                        g.Nodes.Add(new Node { Proto = n, OpType = n.Text(4), Domain = n.Text(7), Inputs = n.Texts(1), Outputs = n.Texts(2) });
                        break;
                    case 5:
                        var t = ReadInitializer(f.Message);
                        g.Initializers[t.Name] = t;
                        break;
                    case 11: g.InputNames.Add(f.Message.Text(1)); break;
                    case 12: g.OutputNames.Add(f.Message.Text(1)); break;
                }
            }
            return g;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"'{path}' is not a readable ONNX model: {ex.Message}", path, ex);
        }
    }

    private static Initializer ReadInitializer(ProtoMessage t)
    {
        var dims = t.Int64s(1).ToArray();
        int type = (int)t.Varint(2);
        string name = t.Text(8);
        float[]? values = null;
        if (type == TypeFloat)
        {
            var raw = t.All(9).LastOrDefault()?.Bytes;
            if (raw is not null)
            {
                values = new float[raw.Length / 4];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * i));
            }
            else
            {
                var list = new List<float>();
                foreach (var f in t.All(4))
                {
                    if (f.Wire == 5) list.Add(BitConverter.Int32BitsToSingle((int)f.Value));
                    else if (f.Bytes is { } b)
                        for (int i = 0; i + 4 <= b.Length; i += 4) list.Add(BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(i)));
                }
                values = list.ToArray();
            }
            long expected = dims.Aggregate(1L, (a, d) => a * d);
            if (expected != values.Length)
                throw new FormatException($"initializer '{name}' has {values.Length} values for shape [{string.Join(",", dims)}]");
        }
        return new Initializer(name, dims, type, values, t);
    }

    /// <summary>A TensorProto with raw little-endian data.</summary>
    public static ProtoMessage Tensor(string name, int dataType, long[] dims, byte[] raw)
    {
        var t = new ProtoMessage();
        foreach (long d in dims) t.AddVarint(1, d);
        t.AddVarint(2, dataType);
        t.AddText(8, name);
        t.AddBytes(9, raw);
        return t;
    }

    public static ProtoMessage FloatTensor(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), values[i]);
        return Tensor(name, TypeFloat, dims, raw);
    }

    public static ProtoMessage Int32Tensor(string name, long[] dims, int[] values)
    {
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(4 * i), values[i]);
        return Tensor(name, TypeInt32, dims, raw);
    }

    /// <summary>A float graph output of unknown shape (for exposing intermediate tensors).</summary>
    public static ProtoMessage FloatValueInfo(string name)
    {
        var tensorType = new ProtoMessage().AddVarint(1, TypeFloat);
        var type = new ProtoMessage().AddMessage(1, tensorType);
        return new ProtoMessage().AddText(1, name).AddMessage(2, type);
    }

    /// <summary>
    /// The model with the graph rebuilt from <paramref name="nodes"/>, <paramref name="initializers"/>, extra graph
    /// outputs and a metadata change; every other field of the model and the graph is kept in its place.
    /// </summary>
    public byte[] Build(IReadOnlyList<Node> nodes, IReadOnlyList<ProtoMessage> initializers, IReadOnlyList<string>? extraOutputs = null,
        IReadOnlyDictionary<string, string>? metadata = null, ISet<string>? keepNames = null)
    {
        var graph = new ProtoMessage();
        bool nodesWritten = false, initializersWritten = false;
        foreach (var f in Graph.Fields)
        {
            switch (f.Number)
            {
                case 1:
                    if (!nodesWritten) foreach (var n in nodes) graph.AddMessage(1, n.ToProto());
                    nodesWritten = true;
                    break;
                case 5:
                    if (!initializersWritten) foreach (var i in initializers) graph.AddMessage(5, i);
                    initializersWritten = true;
                    break;
                case 11 or 13 when keepNames is not null && !keepNames.Contains(f.Message.Text(1)):
                    break; // an input listing a removed initializer, a value_info of a tensor that is gone
                default:
                    graph.Fields.Add(f);
                    break;
            }
        }
        if (!nodesWritten) foreach (var n in nodes) graph.AddMessage(1, n.ToProto());
        if (!initializersWritten) foreach (var i in initializers) graph.AddMessage(5, i);
        foreach (string o in extraOutputs ?? []) graph.AddMessage(12, FloatValueInfo(o));

        var model = new ProtoMessage();
        foreach (var f in Model.Fields)
        {
            if (f.Number == 7) model.AddMessage(7, graph);
            else if (f.Number == 14 && metadata is not null && metadata.ContainsKey(f.Message.Text(1))) continue;
            else model.Fields.Add(f);
        }
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>())
            model.AddMessage(14, new ProtoMessage().AddText(1, k).AddText(2, v));
        return model.ToBytes();
    }

    /// <summary>The model's metadata properties (<c>seer.*</c> and any other).</summary>
    public Dictionary<string, string> Metadata()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in Model.All(14).Select(f => f.Message)) d[m.Text(1)] = m.Text(2);
        return d;
    }
}
