using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Geometry;
using Seer.Formats.Common;

namespace Seer.Formats.Coco;

/// <summary>Reads one COCO annotation object into an <see cref="ObjectAnnotation"/>.</summary>
internal static class CocoAnnotation
{
    public static ObjectAnnotation? Read(JsonElement a, IReadOnlyDictionary<string, string> categories,
        out string? problem, out string? warning)
    {
        problem = null;
        warning = null;
        string? categoryId = JsonFiles.Id(a, "category_id");
        if (categoryId is null || !categories.TryGetValue(categoryId, out var label))
        {
            problem = categoryId is null ? "annotation without category_id" : $"unknown category_id {categoryId}";
            return null;
        }
        if (JsonFiles.NonFinite(a, "score", "area") is { } notFinite)
        {
            problem = $"'{label}': {notFinite}";
            return null;
        }
        var polygons = new List<IReadOnlyList<PointXy>>();
        if (a.TryGetProperty("segmentation", out var seg))
        {
            if (seg.ValueKind == JsonValueKind.Array)
            {
                foreach (var poly in seg.EnumerateArray())
                {
                    var points = Polygon(poly);
                    if (points is null)
                    {
                        problem = $"segmentation polygon {Short(poly)} is not a list of at least 3 x, y pairs of finite numbers";
                        return null;
                    }
                    polygons.Add(points);
                }
            }
            else if (seg.ValueKind == JsonValueKind.Object)
            {
                warning = "RLE segmentation mask is not kept (the box is)";
            }
        }
        BoxXyxy box;
        if (JsonFiles.Get(a, "bbox", JsonValueKind.Array) is { } bbox && bbox.GetArrayLength() == 4
            && bbox.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))
        {
            var v = new double[4];
            for (int i = 0; i < 4; i++)
                if (!JsonFiles.Finite(bbox[i], out v[i]))
                {
                    problem = $"'{label}': bbox value {bbox[i].GetRawText()} is not a finite number";
                    return null;
                }
            box = BoxXyxy.FromXywh(v[0], v[1], v[2], v[3]);
        }
        else if (polygons.Count > 0)
        {
            box = BoxCheck.Bounds(polygons);
        }
        else
        {
            problem = $"'{label}': bbox is missing or not [x, y, width, height]";
            return null;
        }
        if (BoxCheck.Degenerate(box) is { } degenerate)
        {
            problem = $"'{label}': {degenerate}";
            return null;
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        bool difficult = false, truncated = false;
        if (JsonFiles.Get(a, "attributes", JsonValueKind.Object) is { } attrs)
            foreach (var p in attrs.EnumerateObject())
            {
                string? v = JsonFiles.Scalar(p.Value);
                if (v is null) continue;
                if (p.Name == "difficult") difficult = v is "true" or "1";
                else if (p.Name == "truncated") truncated = v is "true" or "1";
                else attributes[p.Name] = v;
            }
        double? score = JsonFiles.Number(a, "score");
        return new ObjectAnnotation(label, box)
        {
            Polygons = polygons,
            IsCrowd = JsonFiles.Integer(a, "iscrowd") is 1 || (a.TryGetProperty("iscrowd", out var c) && c.ValueKind == JsonValueKind.True),
            Area = JsonFiles.Number(a, "area"),
            Score = score,
            Source = score is null ? AnnotationSource.GroundTruth : AnnotationSource.Predicted,
            Difficult = difficult,
            Truncated = truncated,
            Attributes = attributes,
        };
    }

    private static List<PointXy>? Polygon(JsonElement poly)
    {
        if (poly.ValueKind != JsonValueKind.Array) return null;
        int n = poly.GetArrayLength();
        if (n < 6 || n % 2 != 0) return null;
        var points = new List<PointXy>(n / 2);
        for (int i = 0; i < n; i += 2)
        {
            if (!JsonFiles.Finite(poly[i], out double x) || !JsonFiles.Finite(poly[i + 1], out double y)) return null;
            points.Add(new PointXy(x, y));
        }
        return points;
    }

    private static string Short(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length > 60 ? raw[..57] + "..." : raw;
    }
}
