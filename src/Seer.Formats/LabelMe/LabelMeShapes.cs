using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Geometry;
using Seer.Formats.Common;

namespace Seer.Formats.LabelMe;

/// <summary>
/// LabelMe shapes to objects: rectangles → boxes, polygons → polygon + its bounds, circles → their bounding box;
/// shapes sharing a group_id and label are one object. Shape flags difficult/truncated/crowd set those fields, other
/// flags and the description become attributes.
/// </summary>
internal static class LabelMeShapes
{
    public static List<ObjectAnnotation> Read(JsonElement shapes, Action<string, string> reject, Action<string, string> warn)
    {
        var objects = new List<ObjectAnnotation>();
        var groups = new Dictionary<(string Group, string Label), int>();
        int index = 0;
        foreach (var shape in shapes.EnumerateArray())
        {
            index++;
            string where = $"shape {index}";
            string? label = JsonFiles.String(shape, "label");
            if (string.IsNullOrWhiteSpace(label))
            {
                reject(where, "shape without a label");
                continue;
            }
            string type = JsonFiles.String(shape, "shape_type") ?? "polygon";
            var points = Points(shape);
            if (points is null)
            {
                reject(where, $"'{label}': points must be a list of [x, y] pairs of finite numbers");
                continue;
            }
            BoxXyxy box;
            List<IReadOnlyList<PointXy>> polygons = [];
            switch (type)
            {
                case "rectangle" when points.Count == 2:
                    box = new BoxXyxy(Math.Min(points[0].X, points[1].X), Math.Min(points[0].Y, points[1].Y),
                        Math.Max(points[0].X, points[1].X), Math.Max(points[0].Y, points[1].Y));
                    break;
                case "polygon" when points.Count >= 3:
                    polygons.Add(points);
                    box = BoxCheck.Bounds(polygons);
                    break;
                case "circle" when points.Count == 2:
                    double r = Math.Sqrt(Math.Pow(points[1].X - points[0].X, 2) + Math.Pow(points[1].Y - points[0].Y, 2));
                    box = new BoxXyxy(points[0].X - r, points[0].Y - r, points[0].X + r, points[0].Y + r);
                    warn(where, $"'{label}': circle imported as its bounding box");
                    break;
                case "rectangle" or "polygon" or "circle":
                    reject(where, $"'{label}': a {type} with {points.Count} points");
                    continue;
                default:
                    reject(where, $"'{label}': shape type '{type}' is not a box or a polygon");
                    continue;
            }
            if (BoxCheck.Degenerate(box) is { } degenerate)
            {
                reject(where, $"'{label}': {degenerate}");
                continue;
            }
            var o = new ObjectAnnotation(label, box) { Polygons = polygons };
            o = WithFlags(o, shape);
            string? group = JsonFiles.Id(shape, "group_id");
            if (group is not null && groups.TryGetValue((group, label), out int at))
            {
                var g = objects[at];
                objects[at] = g with
                {
                    Box = new BoxXyxy(Math.Min(g.Box.X1, box.X1), Math.Min(g.Box.Y1, box.Y1), Math.Max(g.Box.X2, box.X2), Math.Max(g.Box.Y2, box.Y2)),
                    Polygons = [.. g.Polygons, .. polygons],
                    Difficult = g.Difficult || o.Difficult,
                    Truncated = g.Truncated || o.Truncated,
                    IsCrowd = g.IsCrowd || o.IsCrowd,
                    Attributes = new Dictionary<string, string>(g.Attributes.Concat(o.Attributes).GroupBy(kv => kv.Key).Select(x => x.Last())),
                };
                continue;
            }
            if (group is not null) groups[(group, label)] = objects.Count;
            objects.Add(o);
        }
        return objects;
    }

    private static ObjectAnnotation WithFlags(ObjectAnnotation o, JsonElement shape)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        bool difficult = false, truncated = false, crowd = false;
        if (JsonFiles.Get(shape, "flags", JsonValueKind.Object) is { } flags)
            foreach (var f in flags.EnumerateObject())
            {
                string? v = JsonFiles.Scalar(f.Value);
                if (v is null) continue;
                switch (f.Name)
                {
                    case "difficult": difficult = v == "true"; break;
                    case "truncated": truncated = v == "true"; break;
                    case "crowd" or "iscrowd": crowd = v == "true"; break;
                    default: attributes[f.Name] = v; break;
                }
            }
        if (JsonFiles.String(shape, "description") is { Length: > 0 } description) attributes["description"] = description;
        return o with { Difficult = difficult, Truncated = truncated, IsCrowd = crowd, Attributes = attributes };
    }

    private static List<PointXy>? Points(JsonElement shape)
    {
        if (JsonFiles.Get(shape, "points", JsonValueKind.Array) is not { } array) return null;
        var points = new List<PointXy>();
        foreach (var p in array.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != 2
                || !JsonFiles.Finite(p[0], out double x) || !JsonFiles.Finite(p[1], out double y)) return null;
            points.Add(new PointXy(x, y));
        }
        return points;
    }
}
