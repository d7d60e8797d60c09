using System.Buffers;
using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;

namespace Seer.Data.Metadata;

/// <summary>
/// The stored form of an image's annotations (tags, objects, attributes) as compact JSON. Written with a fixed key
/// order so the same annotations always give the same bytes (version ids hash them).
/// </summary>
internal static class ImageJson
{
    public static string WriteAnnotations(ImageRecord image)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
            Write(w, image);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write(Utf8JsonWriter w, ImageRecord image)
    {
        w.WriteStartObject();
        if (image.Tags.Count > 0)
        {
            w.WriteStartArray("tags");
            foreach (var t in image.Tags) w.WriteStringValue(t);
            w.WriteEndArray();
        }
        if (image.Objects.Count > 0)
        {
            w.WriteStartArray("objects");
            foreach (var o in image.Objects) WriteObject(w, o);
            w.WriteEndArray();
        }
        if (image.Attributes.Count > 0) WriteAttributes(w, "attrs", image.Attributes);
        w.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter w, ObjectAnnotation o)
    {
        w.WriteStartObject();
        w.WriteString("label", o.Label);
        w.WriteStartArray("box");
        w.WriteNumberValue(o.Box.X1);
        w.WriteNumberValue(o.Box.Y1);
        w.WriteNumberValue(o.Box.X2);
        w.WriteNumberValue(o.Box.Y2);
        w.WriteEndArray();
        if (o.Polygons.Count > 0)
        {
            w.WriteStartArray("polygons");
            foreach (var poly in o.Polygons)
            {
                w.WriteStartArray();
                foreach (var p in poly)
                {
                    w.WriteNumberValue(p.X);
                    w.WriteNumberValue(p.Y);
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        if (o.IsCrowd) w.WriteBoolean("crowd", true);
        if (o.Difficult) w.WriteBoolean("difficult", true);
        if (o.Truncated) w.WriteBoolean("truncated", true);
        if (o.Area is double area) w.WriteNumber("area", area);
        if (o.Score is double score) w.WriteNumber("score", score);
        if (o.Source != AnnotationSource.GroundTruth) w.WriteString("source", o.Source.ToString());
        if (o.Attributes.Count > 0) WriteAttributes(w, "attrs", o.Attributes);
        w.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> attributes)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
    }

    /// <summary>Reads stored annotations into an image record with the given identity fields.</summary>
    public static ImageRecord Read(string contentHash, string fileName, int width, int height, bool labelled, string json)
    {
        var image = new ImageRecord(contentHash, fileName, width, height) { IsLabelled = labelled };
        if (json.Length <= 2) return image;
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.TryGetProperty("tags", out var tags))
            image = image with { Tags = tags.EnumerateArray().Select(t => t.GetString()!).ToArray() };
        if (root.TryGetProperty("objects", out var objects))
            image = image with { Objects = objects.EnumerateArray().Select(ReadObject).ToArray() };
        if (root.TryGetProperty("attrs", out var attrs)) image = image with { Attributes = ReadAttributes(attrs) };
        return image;
    }

    private static ObjectAnnotation ReadObject(JsonElement e)
    {
        var box = e.GetProperty("box");
        var o = new ObjectAnnotation(e.GetProperty("label").GetString()!,
            new BoxXyxy(box[0].GetDouble(), box[1].GetDouble(), box[2].GetDouble(), box[3].GetDouble()));
        if (e.TryGetProperty("polygons", out var polys))
        {
            var list = new List<IReadOnlyList<PointXy>>();
            foreach (var poly in polys.EnumerateArray())
            {
                var pts = new List<PointXy>(poly.GetArrayLength() / 2);
                for (int i = 0; i + 1 < poly.GetArrayLength(); i += 2) pts.Add(new PointXy(poly[i].GetDouble(), poly[i + 1].GetDouble()));
                list.Add(pts);
            }
            o = o with { Polygons = list };
        }
        if (e.TryGetProperty("crowd", out _)) o = o with { IsCrowd = true };
        if (e.TryGetProperty("difficult", out _)) o = o with { Difficult = true };
        if (e.TryGetProperty("truncated", out _)) o = o with { Truncated = true };
        if (e.TryGetProperty("area", out var area)) o = o with { Area = area.GetDouble() };
        if (e.TryGetProperty("score", out var score)) o = o with { Score = score.GetDouble() };
        if (e.TryGetProperty("source", out var source)) o = o with { Source = Enum.Parse<AnnotationSource>(source.GetString()!) };
        if (e.TryGetProperty("attrs", out var attrs)) o = o with { Attributes = ReadAttributes(attrs) };
        return o;
    }

    private static Dictionary<string, string> ReadAttributes(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
}
