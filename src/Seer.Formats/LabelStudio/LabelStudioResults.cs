using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Geometry;
using Seer.Formats.Common;

namespace Seer.Formats.LabelStudio;

/// <summary>
/// Label Studio result regions to objects: rectanglelabels (x, y, width, height in percent of the original image,
/// rotation in degrees about the top-left corner) → boxes; polygonlabels (points in percent) → polygon + bounds;
/// choices → image tags (predicted choices: a classifier's predicted tags, with their score). A region's <c>meta</c>
/// holds the object's attributes, difficult/truncated/crowd as flags; a region with a score whose origin is
/// "prediction" is a prediction left as it was. The percent ↔ pixel conversion lives here only.
/// </summary>
internal static class LabelStudioResults
{
    public static void Read(JsonElement results, int width, int height, AnnotationSource source, double? defaultScore,
        string? modelVersion, List<ObjectAnnotation> objects, List<string> tags, Action<string, string> reject, Action<string, string> warn,
        List<(string Label, double? Score)>? predictedTags = null)
    {
        int index = 0;
        foreach (var r in results.EnumerateArray())
        {
            index++;
            string where = $"result {JsonFiles.Id(r, "id") ?? index.ToString()}";
            string type = JsonFiles.String(r, "type") ?? "";
            var value = JsonFiles.Get(r, "value", JsonValueKind.Object);
            if (value is null)
            {
                reject(where, "result without a value");
                continue;
            }
            var v = value.Value;
            if (type == "choices")
            {
                if (source == AnnotationSource.Predicted)
                {
                    if (predictedTags is null) warn(where, "predicted choices are not kept");
                    else if (JsonFiles.Get(v, "choices", JsonValueKind.Array) is { } predicted)
                        predictedTags.AddRange(predicted.EnumerateArray().Select(JsonFiles.Scalar).OfType<string>()
                            .Select(l => (l, JsonFiles.Number(r, "score") ?? defaultScore)));
                }
                else if (JsonFiles.Get(v, "choices", JsonValueKind.Array) is { } choices)
                    tags.AddRange(choices.EnumerateArray().Select(JsonFiles.Scalar).OfType<string>());
                continue;
            }
            if (type is "textarea" or "rating" or "number" or "datetime" or "taxonomy")
            {
                warn(where, $"result type '{type}' is not kept");
                continue;
            }
            var labels = JsonFiles.Get(v, type, JsonValueKind.Array) ?? JsonFiles.Get(v, "labels", JsonValueKind.Array);
            string? label = labels?.EnumerateArray().Select(JsonFiles.Scalar).FirstOrDefault(l => !string.IsNullOrEmpty(l));
            if (label is null)
            {
                reject(where, $"'{type}' region without a label");
                continue;
            }
            int w = (int?)JsonFiles.Integer(r, "original_width") ?? width, h = (int?)JsonFiles.Integer(r, "original_height") ?? height;
            BoxXyxy box;
            List<IReadOnlyList<PointXy>> polygons = [];
            if (type is "rectanglelabels" or "labels" && JsonFiles.Number(v, "x") is { } x && JsonFiles.Number(v, "y") is { } y
                && JsonFiles.Number(v, "width") is { } bw && JsonFiles.Number(v, "height") is { } bh)
            {
                double rotation = JsonFiles.Number(v, "rotation") ?? 0;
                box = ToBox(x, y, bw, bh, rotation, w, h);
                if (rotation != 0) warn(where, $"'{label}': rotated box ({rotation}°) imported as its axis-aligned bounds");
            }
            else if (type == "polygonlabels" && JsonFiles.Get(v, "points", JsonValueKind.Array) is { } pts)
            {
                var points = new List<PointXy>();
                foreach (var p in pts.EnumerateArray())
                {
                    if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != 2 || !JsonFiles.Finite(p[0], out double px) || !JsonFiles.Finite(p[1], out double py))
                    {
                        points.Clear();
                        break;
                    }
                    points.Add(new PointXy(px / 100 * w, py / 100 * h));
                }
                if (points.Count < 3)
                {
                    reject(where, $"'{label}': polygon needs at least 3 [x, y] points");
                    continue;
                }
                polygons.Add(points);
                box = BoxCheck.Bounds(polygons);
            }
            else
            {
                reject(where, $"'{label}': result type '{type}' is not a box or a polygon");
                continue;
            }
            if (BoxCheck.Degenerate(box) is { } degenerate)
            {
                reject(where, $"'{label}': {degenerate}");
                continue;
            }
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (JsonFiles.Get(r, "meta", JsonValueKind.Object) is { } meta)
                foreach (var m in meta.EnumerateObject())
                    if (JsonFiles.Scalar(m.Value) is { } mv) attributes[m.Name == "iscrowd" ? "crowd" : m.Name] = mv;
            if (modelVersion is not null) attributes["model_version"] = modelVersion;
            double? score = JsonFiles.Number(r, "score") ?? defaultScore;
            var kind = source == AnnotationSource.Predicted || (JsonFiles.Number(r, "score") is not null && JsonFiles.String(r, "origin") == "prediction")
                ? AnnotationSource.Predicted : AnnotationSource.GroundTruth;
            objects.Add(ShapeFlags.Apply(new ObjectAnnotation(label, box)
            {
                Polygons = polygons,
                Source = kind,
                Score = kind == AnnotationSource.Predicted ? score : null,
            }, attributes));
        }
    }

    /// <summary>Percent of the image to pixels; a rotated rectangle becomes its bounds.</summary>
    public static BoxXyxy ToBox(double x, double y, double width, double height, double rotationDegrees, int imageWidth, int imageHeight)
    {
        double px = x / 100 * imageWidth, py = y / 100 * imageHeight;
        double pw = width / 100 * imageWidth, ph = height / 100 * imageHeight;
        if (rotationDegrees == 0) return new BoxXyxy(px, py, px + pw, py + ph);
        double a = rotationDegrees * Math.PI / 180, cos = Math.Cos(a), sin = Math.Sin(a);
        var corners = new PointXy[]
        {
            new(px, py), new(px + pw * cos, py + pw * sin), new(px + pw * cos - ph * sin, py + pw * sin + ph * cos), new(px - ph * sin, py + ph * cos),
        };
        return BoxCheck.Bounds([corners]);
    }

    /// <summary>Pixels to Label Studio's percent of the image.</summary>
    public static (double X, double Y, double W, double H) ToPercent(BoxXyxy box, int imageWidth, int imageHeight) =>
        (box.X1 / imageWidth * 100, box.Y1 / imageHeight * 100, box.Width / imageWidth * 100, box.Height / imageHeight * 100);
}
