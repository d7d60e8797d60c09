namespace Seer.Training.Onnx;

/// <summary>
/// Builds an ONNX graph (opset 17) node by node: declare inputs, add initializers (weights) and operators, mark
/// outputs, then hand the builder to <see cref="OnnxModelWriter"/>. Every operator helper returns the name of its
/// output value, so graphs read like the forward pass: <c>x = g.Relu(g.Conv(x, w, b, ...))</c>.
/// Operator helpers live in OnnxGraphBuilder.Ops.cs.
/// </summary>
public sealed partial class OnnxGraphBuilder
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    public OnnxGraphBuilder(string name = "seer")
    {
        Name = name;
    }

    public string Name { get; }
    public IReadOnlyList<OnnxNode> Nodes => _nodes;
    public IReadOnlyList<OnnxTensor> Initializers => _initializers;
    public IReadOnlyList<OnnxValueInfo> Inputs => _inputs;
    public IReadOnlyList<OnnxValueInfo> Outputs => _outputs;

    /// <summary>Declares a graph input; a null dimension is dynamic (named <paramref name="dynamicDimName"/>).</summary>
    public string AddInput(string name, OnnxElementType type, IReadOnlyList<long?> shape, string dynamicDimName = "N")
    {
        Claim(name);
        _inputs.Add(new OnnxValueInfo(name, type, shape, dynamicDimName));
        return name;
    }

    /// <summary>Marks a value as a graph output under <paramref name="name"/> (adds an Identity when it differs).</summary>
    public string AddOutput(string value, string name, OnnxElementType type, IReadOnlyList<long?> shape,
        string dynamicDimName = "N")
    {
        if (value != name)
        {
            Claim(name);
            _nodes.Add(new OnnxNode(name + "_identity", "Identity", [value], [name], []));
        }
        _outputs.Add(new OnnxValueInfo(name, type, shape, dynamicDimName));
        return name;
    }

    /// <summary>Adds a float constant (weight, bias, scale) and returns its value name.</summary>
    public string AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        string unique = UniqueName(name);
        _initializers.Add(OnnxTensor.FromFloats(unique, values, dims));
        return unique;
    }

    /// <summary>Adds an int64 constant (shapes, axes, slice bounds) and returns its value name.</summary>
    public string AddInt64Initializer(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        string unique = UniqueName(name);
        _initializers.Add(OnnxTensor.FromInt64s(unique, values, dims));
        return unique;
    }

    /// <summary>Adds an operator with one output and returns that output's name.</summary>
    public string AddNode(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        AddNode(opType, inputs, 1, attributes)[0];

    /// <summary>Adds an operator with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public IReadOnlyList<string> AddNode(string opType, IReadOnlyList<string> inputs, int outputCount,
        params OnnxAttribute[] attributes)
    {
        foreach (string input in inputs)
            if (input.Length > 0 && !_names.Contains(input))
                throw new ArgumentException($"{opType} reads '{input}', which no input, initializer or node defines");
        string nodeName = UniqueName(opType.ToLowerInvariant());
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++) outputs[i] = UniqueName($"{nodeName}_out{i}");
        _nodes.Add(new OnnxNode(nodeName, opType, inputs.ToArray(), outputs, attributes));
        return outputs;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name)) throw new ArgumentException($"value name '{name}' is already used in the graph");
    }

    private string UniqueName(string stem)
    {
        string name = stem;
        while (_names.Contains(name)) name = $"{stem}_{++_counter}";
        _names.Add(name);
        return name;
    }

    internal ProtoWriter ToProto()
    {
        if (_inputs.Count == 0 || _outputs.Count == 0)
            throw new InvalidOperationException($"graph '{Name}' needs at least one input and one output");
        // GraphProto: node=1, name=2, initializer=5, input=11, output=12.
        var w = new ProtoWriter();
        foreach (var n in _nodes) w.WriteMessage(1, n.ToProto());
        w.WriteString(2, Name);
        foreach (var t in _initializers) w.WriteMessage(5, t.ToProto());
        foreach (var i in _inputs) w.WriteMessage(11, i.ToProto());
        foreach (var o in _outputs) w.WriteMessage(12, o.ToProto());
        return w;
    }
}
