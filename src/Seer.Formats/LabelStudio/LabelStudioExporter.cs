using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;
using Seer.Formats.Handoff;

namespace Seer.Formats.LabelStudio;

/// <summary>
/// Writes Label Studio JSON tasks — the one Label Studio writer, for <c>seer dataset export --format labelstudio</c>
/// and for labelling hand-off tasks (<see cref="LabellingTasks"/>): <c>tasks.json</c>, <c>label_config.xml</c> (the
/// project's labelling interface: RectangleLabels, PolygonLabels and Choices over the classes) and
/// <c>images/&lt;file name&gt;</c>, each task's image as <c>/data/local-files/?d=images/&lt;file name&gt;</c> and its
/// dataset name as <c>data.seer_file_name</c>. Ground truth (boxes, polygons, tags as choices) is the task's annotation
/// when the image is labelled (unlabelled images are tasks without one: the labeller's to do); predicted objects are
/// predictions grouped by their model_version attribute ("seer" without one), with scores, and a classifier's predicted
/// tag (<see cref="PredictedTag"/>) a predicted choice. Object attributes and difficult/truncated/crowd travel in each
/// region's <c>meta</c>. Areas and other image attributes are reported as lost.
/// </summary>
public sealed class LabelStudioExporter : IDatasetExporter
{
    public const string TasksPath = "tasks.json";
    public const string ConfigPath = "label_config.xml";
    public const string ImagePrefix = "/data/local-files/?d=";

    public string Format => "labelstudio";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("Label Studio");
        var labels = AnnotationFiles.Labels(snapshot);
        int images = 0, objects = 0;
        using (var stream = new FileStream(folder.PathFor(TasksPath), FileMode.CreateNew, FileAccess.Write))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var image in snapshot.Images)
            {
                folder.CopyImage(snapshot, image, "images/" + image.FileName);
                images++;
                progress?.Report(new WorkProgress("export labelstudio", images, snapshot.Images.Count));
                bool hasTag = PredictedTag.TryGet(image, out string predictedLabel, out double? predictedScore);
                lost.Count("image attribute", AnnotationFiles.LostImageAttributes(image));
                w.WriteStartObject();
                w.WriteNumber("id", images);
                w.WriteStartObject("data");
                w.WriteString("image", ImagePrefix + Uri.EscapeDataString("images/" + image.FileName));
                w.WriteString("seer_file_name", image.FileName);
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
                    WriteChoices(w, $"t{images}", image.Tags, null);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    objects += truth.Count;
                }
                else if (truth.Count > 0 || image.Tags.Count > 0)
                    lost.Note("labels of an image marked unlabelled");
                w.WriteEndArray();
                w.WriteStartArray("predictions");
                var groups = image.Objects.Where(o => o.Source == AnnotationSource.Predicted)
                    .GroupBy(o => o.Attributes.GetValueOrDefault("model_version", "seer")).Select(g => (g.Key, Objects: g.ToList())).ToList();
                if (hasTag && !groups.Any(g => g.Key == "seer")) groups.Add(("seer", []));
                foreach (var (key, group) in groups)
                {
                    bool withTag = hasTag && key == "seer";
                    w.WriteStartObject();
                    w.WriteString("model_version", key);
                    var scores = group.Where(o => o.Score is not null).Select(o => o.Score!.Value).ToList();
                    if (withTag) w.WriteNumber("score", predictedScore ?? 0);
                    else if (scores.Count > 0) w.WriteNumber("score", scores.Average());
                    w.WriteStartArray("result");
                    int region = 0;
                    foreach (var o in group) region = WriteRegions(w, o, image, region, lost, predicted: true);
                    if (withTag) WriteChoices(w, $"p{images}", [predictedLabel], predictedScore ?? 0);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    objects += group.Count;
                }
                w.WriteEndArray();
                w.WriteEndObject();
                lost.EndImage(image);
            }
            w.WriteEndArray();
        }
        folder.WriteText(ConfigPath, Config(labels));
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static void WriteChoices(Utf8JsonWriter w, string id, IReadOnlyList<string> tags, double? score)
    {
        if (tags.Count == 0) return;
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("type", "choices");
        w.WriteString("from_name", "class");
        w.WriteString("to_name", "image");
        if (score is { } s) w.WriteNumber("score", s);
        w.WriteStartObject("value");
        w.WriteStartArray("choices");
        foreach (var t in tags) w.WriteStringValue(t);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Config(IReadOnlyList<string> labels)
    {
        static string Esc(string s) => System.Security.SecurityElement.Escape(s) ?? "";
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("<View>");
        sb.AppendLine("  <Image name=\"image\" value=\"$image\"/>");
        foreach (var (tag, name) in new[] { ("RectangleLabels", "label"), ("PolygonLabels", "polygon") })
        {
            sb.AppendLine($"  <{tag} name=\"{name}\" toName=\"image\">");
            foreach (var l in labels) sb.AppendLine($"    <Label value=\"{Esc(l)}\"/>");
            sb.AppendLine($"  </{tag}>");
        }
        sb.AppendLine("  <Choices name=\"class\" toName=\"image\" choice=\"multiple\">");
        foreach (var l in labels) sb.AppendLine($"    <Choice value=\"{Esc(l)}\"/>");
        sb.AppendLine("  </Choices>");
        sb.AppendLine("</View>");
        return sb.ToString();
    }

    private static int WriteRegions(Utf8JsonWriter w, ObjectAnnotation o, ImageRecord image, int region, LossLog lost, bool predicted)
    {
        lost.CountObject(o, polygons: true, crowd: true, difficultTruncated: true, area: false, score: true, attributes: true);
        if (o.Polygons.Count == 0)
        {
            Begin(w, ++region, "rectanglelabels", "label", image, o);
            var (x, y, bw, bh) = LabelStudioResults.ToPercent(o.Box, image.Width, image.Height);
            w.WriteNumber("x", x); w.WriteNumber("y", y); w.WriteNumber("width", bw); w.WriteNumber("height", bh);
            w.WriteNumber("rotation", 0);
            End(w, "rectanglelabels", o, predicted);
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
            End(w, "polygonlabels", o, predicted);
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

    /// <summary>Ends the region: its label, then the object's attributes and flags in <c>meta</c> (a prediction's
    /// model_version is its group's).</summary>
    private static void End(Utf8JsonWriter w, string type, ObjectAnnotation o, bool predicted)
    {
        w.WriteStartArray(type);
        w.WriteStringValue(o.Label);
        w.WriteEndArray();
        w.WriteEndObject();
        var meta = ShapeFlags.Export(o).Where(kv => !(predicted && kv.Key == "model_version")).ToList();
        if (meta.Count > 0)
        {
            w.WriteStartObject("meta");
            foreach (var (k, v) in meta) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
