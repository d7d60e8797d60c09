using System.Xml.Linq;
using Seer.Core.Annotations;
using Seer.Core.Geometry;
using Seer.Formats.Common;

namespace Seer.Formats.Cvat;

/// <summary>
/// CVAT &lt;box&gt; (xtl ytl xbr ybr, continuous pixel corners) and &lt;polygon points="x,y;x,y;..."&gt; shapes to
/// objects: &lt;attribute&gt; children become attributes, <c>occluded="1"</c> the attribute occluded, difficult/truncated/
/// crowd attributes the flags (<see cref="ShapeFlags"/>), and <c>source="auto"</c> with a numeric <c>score</c> attribute
/// a prediction with that score.
/// </summary>
internal static class CvatShapes
{
    public const string ScoreAttribute = "score";

    public static ObjectAnnotation? Read(XElement shape, string label, out string? problem)
    {
        problem = null;
        BoxXyxy box;
        List<IReadOnlyList<PointXy>> polygons = [];
        switch (shape.Name.LocalName)
        {
            case "box":
                if (!Num.TryParse((string?)shape.Attribute("xtl"), out double x1) || !Num.TryParse((string?)shape.Attribute("ytl"), out double y1)
                    || !Num.TryParse((string?)shape.Attribute("xbr"), out double x2) || !Num.TryParse((string?)shape.Attribute("ybr"), out double y2))
                {
                    problem = $"'{label}': box needs numeric xtl, ytl, xbr, ybr";
                    return null;
                }
                box = new BoxXyxy(x1, y1, x2, y2);
                break;
            case "polygon":
                var points = new List<PointXy>();
                foreach (var pair in ((string?)shape.Attribute("points") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var xy = pair.Split(',');
                    if (xy.Length != 2 || !Num.TryParse(xy[0], out double x) || !Num.TryParse(xy[1], out double y))
                    {
                        problem = $"'{label}': polygon points must be 'x,y;x,y;...' (malformed point '{pair}')";
                        return null;
                    }
                    points.Add(new PointXy(x, y));
                }
                if (points.Count < 3)
                {
                    problem = $"'{label}': polygon with {points.Count} points; at least 3 are needed";
                    return null;
                }
                polygons.Add(points);
                box = BoxCheck.Bounds(polygons);
                break;
            default:
                problem = $"'{label}': CVAT shape <{shape.Name.LocalName}> is not a box or a polygon";
                return null;
        }
        if (BoxCheck.Degenerate(box) is { } degenerate)
        {
            problem = $"'{label}': {degenerate}";
            return null;
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in shape.Elements("attribute"))
            if ((string?)a.Attribute("name") is { Length: > 0 } key) attributes[key] = a.Value;
        if ((string?)shape.Attribute("occluded") == "1") attributes["occluded"] = "1";
        if (attributes.Remove("iscrowd", out var iscrowd)) attributes["crowd"] = iscrowd; // hand-off tasks written before one CVAT writer
        var o = new ObjectAnnotation(label, box) { Polygons = polygons };
        if ((string?)shape.Attribute("source") == "auto" && attributes.TryGetValue(ScoreAttribute, out var s) && Num.TryParse(s.Trim(), out double score))
        {
            attributes.Remove(ScoreAttribute);
            o = o with { Source = AnnotationSource.Predicted, Score = score };
        }
        return ShapeFlags.Apply(o, attributes);
    }

    /// <summary>An auto &lt;tag&gt; with a score: a classifier's predicted tag.</summary>
    public static bool IsPredictedTag(XElement tag, out double? score)
    {
        score = null;
        if ((string?)tag.Attribute("source") != "auto") return false;
        var attribute = tag.Elements("attribute").FirstOrDefault(a => (string?)a.Attribute("name") == ScoreAttribute);
        if (attribute is null) return false;
        score = Num.TryParse(attribute.Value.Trim(), out double v) ? v : null;
        return true;
    }
}
