using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.LabelMe;

/// <summary>
/// Writes LabelMe: each image at its file name with <c>&lt;name without extension&gt;.json</c> beside it (imagePath the
/// image's file name, no imageData). Boxes are rectangles; an object with polygons is its polygons (several share a
/// group_id), so a box that is not its polygon's bounds is reported. Difficult/truncated/crowd and true/false
/// attributes are shape flags, a "description" attribute the description; scores, areas, other attributes and tags
/// are reported as lost.
/// </summary>
public sealed class LabelMeExporter : IDatasetExporter
{
    public string Format => "labelme";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("LabelMe");
        var jsonFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        int images = 0, objects = 0;
        foreach (var image in snapshot.Images)
        {
            if (image.IsLabelled)
            {
                string json = SourcePath.WithoutExtension(image.FileName) + ".json";
                if (!jsonFiles.TryAdd(json, image.FileName))
                {
                    lost.Note($"its JSON would overwrite that of '{jsonFiles[json]}' (same name without extension); image not written");
                    lost.EndImage(image);
                    continue;
                }
                using (var stream = new FileStream(folder.PathFor(json), FileMode.CreateNew, FileAccess.Write))
                using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    WriteJson(w, image, lost);
                objects += image.Objects.Count;
                lost.Count("image tag", image.Tags.Count);
            }
            else lost.Count("image attribute", image.Attributes.Count);
            folder.CopyImage(snapshot, image, image.FileName);
            lost.EndImage(image);
            images++;
            progress?.Report(new WorkProgress("export labelme", images, snapshot.Images.Count));
        }
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static void WriteJson(Utf8JsonWriter w, ImageRecord image, LossLog lost)
    {
        w.WriteStartObject();
        w.WriteString("version", "5.0.1");
        w.WriteStartObject("flags");
        foreach (var (key, value) in image.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (value is "true" or "false") w.WriteBoolean(key, value == "true");
            else lost.Count("non-boolean image attribute");
        }
        w.WriteEndObject();
        w.WriteStartArray("shapes");
        int group = 0;
        foreach (var o in image.Objects)
        {
            lost.CountObject(o, polygons: true, crowd: true, difficultTruncated: true, area: false, score: false, attributes: true);
            if (o.Polygons.Count == 0)
            {
                WriteShape(w, o, "rectangle", [new(o.Box.X1, o.Box.Y1), new(o.Box.X2, o.Box.Y2)], null, lost);
                continue;
            }
            if (!BoxCheck.Same(BoxCheck.Bounds(o.Polygons), o.Box)) lost.Count("box differing from its polygons' bounds");
            int? groupId = o.Polygons.Count > 1 ? ++group : null;
            foreach (var polygon in o.Polygons) WriteShape(w, o, "polygon", polygon, groupId, lost);
        }
        w.WriteEndArray();
        w.WriteString("imagePath", SourcePath.FileName(image.FileName));
        w.WriteNull("imageData");
        w.WriteNumber("imageHeight", image.Height);
        w.WriteNumber("imageWidth", image.Width);
        w.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter w, ObjectAnnotation o, string type,
        IReadOnlyList<Seer.Core.Geometry.PointXy> points, int? groupId, LossLog lost)
    {
        w.WriteStartObject();
        w.WriteString("label", o.Label);
        w.WriteStartArray("points");
        foreach (var p in points)
        {
            w.WriteStartArray();
            w.WriteNumberValue(p.X);
            w.WriteNumberValue(p.Y);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        if (groupId is { } g) w.WriteNumber("group_id", g);
        else w.WriteNull("group_id");
        w.WriteString("description", o.Attributes.GetValueOrDefault("description", ""));
        w.WriteString("shape_type", type);
        w.WriteStartObject("flags");
        if (o.Difficult) w.WriteBoolean("difficult", true);
        if (o.Truncated) w.WriteBoolean("truncated", true);
        if (o.IsCrowd) w.WriteBoolean("crowd", true);
        foreach (var (key, value) in o.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (key == "description" || key is "difficult" or "truncated" or "crowd") continue;
            if (value is "true" or "false") w.WriteBoolean(key, value == "true");
            else if (groupId is null || ReferenceEquals(points, o.Polygons[0])) lost.Count("non-boolean object attribute");
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
