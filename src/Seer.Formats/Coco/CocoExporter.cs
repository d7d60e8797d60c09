using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;

namespace Seer.Formats.Coco;

/// <summary>
/// Writes COCO: <c>images/&lt;file name&gt;</c> and <c>annotations/instances_default.json</c> with categories in class
/// order (ids from 1), bbox [x, y, w, h], polygons, iscrowd, area, score (for predictions) and attributes (VOC's
/// difficult/truncated flags travel as attributes). Unlabelled images are copied but not listed, so they read back
/// as unlabelled. COCO cannot hold image-level tags: reported as lost.
/// </summary>
public sealed class CocoExporter : IDatasetExporter
{
    public const string AnnotationPath = "annotations/instances_default.json";

    public string Format => "coco";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("COCO");
        var classes = snapshot.Classes.ToList();
        foreach (var o in snapshot.Images.SelectMany(i => i.Objects))
            if (!classes.Contains(o.Label)) classes.Add(o.Label);
        var categoryIds = classes.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i + 1, StringComparer.Ordinal);
        int images = 0, objects = 0;
        using (var stream = new FileStream(folder.PathFor(AnnotationPath), FileMode.CreateNew, FileAccess.Write))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteStartObject("info");
            w.WriteString("description", $"{snapshot.Name}@{snapshot.Version}");
            w.WriteString("contributor", "Seer");
            w.WriteEndObject();
            w.WriteStartArray("licenses");
            w.WriteEndArray();
            w.WriteStartArray("categories");
            foreach (var name in classes)
            {
                w.WriteStartObject();
                w.WriteNumber("id", categoryIds[name]);
                w.WriteString("name", name);
                w.WriteString("supercategory", "");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("images");
            int imageId = 0;
            foreach (var image in snapshot.Images)
            {
                folder.CopyImage(snapshot, image, "images/" + image.FileName);
                images++;
                progress?.Report(new WorkProgress("export coco", images, snapshot.Images.Count));
                if (!image.IsLabelled) continue;
                imageId++;
                w.WriteStartObject();
                w.WriteNumber("id", imageId);
                w.WriteString("file_name", image.FileName);
                w.WriteNumber("width", image.Width);
                w.WriteNumber("height", image.Height);
                WriteAttributes(w, image.Attributes, false, false);
                w.WriteEndObject();
                lost.Count("image tag", image.Tags.Count);
                lost.EndImage(image);
            }
            w.WriteEndArray();
            w.WriteStartArray("annotations");
            imageId = 0;
            int annotationId = 0;
            foreach (var image in snapshot.Images)
            {
                if (!image.IsLabelled) continue;
                imageId++;
                foreach (var o in image.Objects)
                {
                    objects++;
                    w.WriteStartObject();
                    w.WriteNumber("id", ++annotationId);
                    w.WriteNumber("image_id", imageId);
                    w.WriteNumber("category_id", categoryIds[o.Label]);
                    var (x, y, bw, bh) = o.Box.ToXywh();
                    w.WriteStartArray("bbox");
                    w.WriteNumberValue(x); w.WriteNumberValue(y); w.WriteNumberValue(bw); w.WriteNumberValue(bh);
                    w.WriteEndArray();
                    w.WriteNumber("area", o.Area ?? o.Box.Area);
                    w.WriteNumber("iscrowd", o.IsCrowd ? 1 : 0);
                    w.WriteStartArray("segmentation");
                    foreach (var polygon in o.Polygons)
                    {
                        w.WriteStartArray();
                        foreach (var p in polygon) { w.WriteNumberValue(p.X); w.WriteNumberValue(p.Y); }
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    if (o.Score is { } score) w.WriteNumber("score", score);
                    WriteAttributes(w, o.Attributes, o.Difficult, o.Truncated);
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static void WriteAttributes(Utf8JsonWriter w, IReadOnlyDictionary<string, string> attributes, bool difficult, bool truncated)
    {
        if (attributes.Count == 0 && !difficult && !truncated) return;
        w.WriteStartObject("attributes");
        foreach (var (key, value) in attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if ((key == "difficult" && difficult) || (key == "truncated" && truncated)) continue;
            w.WritePropertyName(key);
            JsonFiles.WriteScalar(w, value);
        }
        if (difficult) w.WriteBoolean("difficult", true);
        if (truncated) w.WriteBoolean("truncated", true);
        w.WriteEndObject();
    }
}
