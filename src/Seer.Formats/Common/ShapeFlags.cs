using Seer.Core.Annotations;

namespace Seer.Formats.Common;

/// <summary>
/// For formats whose objects carry only free attributes (CVAT, COCO): VOC's difficult/truncated flags and the crowd
/// flag travel as attributes of those names, and come back as flags.
/// </summary>
internal static class ShapeFlags
{
    public static bool IsFlagName(string name) => name is "difficult" or "truncated" or "crowd";

    public static bool IsTrue(string value) => value is "true" or "1" or "True" or "TRUE";

    /// <summary>Moves difficult/truncated/crowd attributes into the object's flags.</summary>
    public static ObjectAnnotation Apply(ObjectAnnotation o, IDictionary<string, string> attributes)
    {
        bool difficult = attributes.TryGetValue("difficult", out var d) && IsTrue(d);
        bool truncated = attributes.TryGetValue("truncated", out var t) && IsTrue(t);
        bool crowd = attributes.TryGetValue("crowd", out var c) && IsTrue(c);
        var rest = attributes.Where(kv => !IsFlagName(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return o with { Difficult = difficult, Truncated = truncated, IsCrowd = o.IsCrowd || crowd, Attributes = rest };
    }

    /// <summary>The object's attributes plus its flags as "true" attributes.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Export(ObjectAnnotation o)
    {
        foreach (var kv in o.Attributes.Where(kv => !IsFlagName(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal)) yield return kv;
        if (o.Difficult) yield return new("difficult", "true");
        if (o.Truncated) yield return new("truncated", "true");
        if (o.IsCrowd) yield return new("crowd", "true");
    }
}
