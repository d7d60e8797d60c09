using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;

namespace Seer.Formats.LabelStudio;

/// <summary>
/// Writes Label Studio JSON tasks: <c>tasks.json</c> and <c>images/&lt;file name&gt;</c>, each task's image as
/// <c>/data/local-files/?d=images/&lt;file name&gt;</c>. Ground truth (boxes, polygons, tags as choices) is the task's
/// annotation when the image is labelled; predicted objects are predictions grouped by their model_version attribute,
/// with scores. Flags, areas, other attributes and image attributes are reported as lost.
/// </summary>
public sealed class LabelStudioExporter : IDatasetExporter
{
    public string Format => "labelstudio";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("Label Studio");
        int images = 0, objects = 0;
        using (var stream = new FileStream(folder.PathFor("tasks.json"), FileMode.CreateNew, FileAccess.Write))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var image in snapshot.Images)
            {
                folder.CopyImage(snapshot, image, "images/" + image.FileName);
                images++;
                progress?.Report(new WorkProgress("export labelstudio", images, snapshot.Images.Count));
                lost.Count("image attribute", image.Attributes.Count);
                w.WriteStartObject();
                w.WriteNumber("id", images);
                w.WriteStartObject("data");
                w.WriteString("image", "/data/local-files/?d=" + Uri.EscapeDataString("images/" + image.FileName));
                w.WriteEndObject();
                var truth = image.Objects.Where(o => o.Source == AnnotationSource.GroundTruth).ToList();
                w.WriteStartArray("annotations");
                if (image.IsLabelled)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", images);
                    w.WriteBoolean("was_cancelled", false);
                    w.WriteStartArray("result");
                    int region = 0;
                    foreach (var o in truth) region = WriteRegions(w, o, image, region, lost, predicted: false);
                    if (image.Tags.Count > 0)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", $"t{images}");
                        w.WriteString("type", "choices");
                        w.WriteString("from_name", "choice");
                        w.WriteString("to_name", "image");
                        w.WriteStartObject("value");
                        w.WriteStartArray("choices");
                        foreach (var t in image.Tags) w.WriteStringValue(t);
                        w.WriteEndArray();
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    objects += truth.Count;
                }
                else if (truth.Count > 0 || image.Tags.Count > 0)
                    lost.Note("labels of an image marked unlabelled");
                w.WriteEndArray();
                w.WriteStartArray("predictions");
                foreach (var group in image.Objects.Where(o => o.Source == AnnotationSource.Predicted)
                             .GroupBy(o => o.Attributes.GetValueOrDefault("model_version", "seer")))
                {
                    w.WriteStartObject();
                    w.WriteString("model_version", group.Key);
                    var scores = group.Where(o => o.Score is not null).Select(o => o.Score!.Value).ToList();
                    if (scores.Count > 0) w.WriteNumber("score", scores.Average());
                    w.WriteStartArray("result");
                    int region = 0;
                    foreach (var o in group) region = WriteRegions(w, o, image, region, lost, predicted: true);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    objects += group.Count();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                lost.EndImage(image);
            }
            w.WriteEndArray();
        }
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static int WriteRegions(Utf8JsonWriter w, ObjectAnnotation o, ImageRecord image, int region, LossLog lost, bool predicted)
    {
        lost.CountObject(o, polygons: true, crowd: false, difficultTruncated: false, area: false, score: true, attributes: true);
        int kept = o.Attributes.Count(kv => predicted && kv.Key == "model_version");
        lost.Count("object attribute", o.Attributes.Count - kept);
        if (o.Polygons.Count == 0)
        {
            Begin(w, ++region, "rectanglelabels", "label", image, o);
            var (x, y, bw, bh) = LabelStudioResults.ToPercent(o.Box, image.Width, image.Height);
            w.WriteNumber("x", x); w.WriteNumber("y", y); w.WriteNumber("width", bw); w.WriteNumber("height", bh);
            w.WriteNumber("rotation", 0);
            End(w, "rectanglelabels", o);
            return region;
        }
        if (!BoxCheck.Same(BoxCheck.Bounds(o.Polygons), o.Box)) lost.Count("box differing from its polygons' bounds");
        if (o.Polygons.Count > 1) lost.Count("polygon split into separate objects", o.Polygons.Count - 1);
        foreach (var polygon in o.Polygons)
        {
            Begin(w, ++region, "polygonlabels", "polygon", image, o);
            w.WriteStartArray("points");
            foreach (var p in polygon)
            {
                w.WriteStartArray();
                w.WriteNumberValue(p.X / image.Width * 100);
                w.WriteNumberValue(p.Y / image.Height * 100);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteBoolean("closed", true);
            End(w, "polygonlabels", o);
        }
        return region;
    }

    private static void Begin(Utf8JsonWriter w, int region, string type, string fromName, ImageRecord image, ObjectAnnotation o)
    {
        w.WriteStartObject();
        w.WriteString("id", $"r{region}");
        w.WriteString("type", type);
        w.WriteString("from_name", fromName);
        w.WriteString("to_name", "image");
        w.WriteNumber("original_width", image.Width);
        w.WriteNumber("original_height", image.Height);
        w.WriteNumber("image_rotation", 0);
        if (o.Score is { } score) w.WriteNumber("score", score);
        w.WriteStartObject("value");
    }

    private static void End(Utf8JsonWriter w, string type, ObjectAnnotation o)
    {
        w.WriteStartArray(type);
        w.WriteStringValue(o.Label);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
