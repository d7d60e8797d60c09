namespace Seer.Training.Onnx;

/// <summary>One node attribute (AttributeProto): a float, an int, a string, or a list of floats or ints.</summary>
public sealed record OnnxAttribute
{
    private OnnxAttribute(string name, int type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }

    /// <summary>AttributeProto.AttributeType: 1 float, 2 int, 3 string, 6 floats, 7 ints.</summary>
    internal int Type { get; }

    internal float Float { get; private init; }
    internal long Int { get; private init; }
    internal string? Text { get; private init; }
    internal IReadOnlyList<float> Floats { get; private init; } = [];
    internal IReadOnlyList<long> Ints { get; private init; } = [];

    public static OnnxAttribute Of(string name, float value) => new(name, 1) { Float = value };
    public static OnnxAttribute Of(string name, long value) => new(name, 2) { Int = value };
    public static OnnxAttribute Of(string name, string value) => new(name, 3) { Text = value };
    public static OnnxAttribute Of(string name, IReadOnlyList<float> values) => new(name, 6) { Floats = values };
    public static OnnxAttribute Of(string name, IReadOnlyList<long> values) => new(name, 7) { Ints = values };

    internal ProtoWriter ToProto()
    {
        // AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8, type=20.
        var w = new ProtoWriter();
        w.WriteString(1, Name);
        switch (Type)
        {
            case 1: w.WriteFloat(2, Float); break;
            case 2: w.WriteInt64(3, Int); break;
            case 3: w.WriteString(4, Text!); break;
            case 6: foreach (float f in Floats) w.WriteFloat(7, f); break;
            case 7: foreach (long i in Ints) w.WriteInt64(8, i); break;
        }
        w.WriteInt64(20, Type);
        return w;
    }
}
