using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;

namespace Seer.Formats.Handoff;

/// <summary>
/// Writes Label Studio tasks: <c>tasks.json</c> (a JSON array of tasks to import into a project), <c>label_config.xml</c>
/// (the project's labelling interface: RectangleLabels and Choices over the classes) and <c>images/&lt;file name&gt;</c>.
/// Each task's <c>data.image</c> is <c>/data/local-files/?d=images/&lt;file name&gt;</c> (Label Studio's local-file
/// storage) and <c>data.seer_file_name</c> the dataset name. Ground truth goes in <c>annotations</c>; predicted
/// objects (pre-annotation) in <c>predictions</c> with their <c>score</c>. Boxes are percentages of the image size
/// (<c>x, y, width, height</c>), with <c>original_width/height</c>. Unlabelled images have no annotation.
/// </summary>
public sealed class LabelStudioTaskExporter : IDatasetExporter
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
        var labels = snapshot.Classes.ToList();
        foreach (var l in snapshot.Images.SelectMany(i => i.Objects.Select(o => o.Label).Concat(i.Tags)))
            if (!labels.Contains(l)) labels.Add(l);
        int images = 0, objects = 0;
        using (var stream = new FileStream(folder.PathFor(TasksPath), FileMode.CreateNew, FileAccess.Write))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var image in snapshot.Images)
            {
                folder.CopyImage(snapshot, image, "images/" + image.FileName);
                images++;
                w.WriteStartObject();
                w.WriteNumber("id", images);
                w.WriteStartObject("data");
                w.WriteString("image", ImagePrefix + "images/" + image.FileName);
                w.WriteString("seer_file_name", image.FileName);
                w.WriteEndObject();
                var truth = image.Objects.Where(o => o.Source == AnnotationSource.GroundTruth).ToList();
                var predicted = image.Objects.Where(o => o.Source == AnnotationSource.Predicted).ToList();
                w.WriteStartArray("annotations");
                if (image.IsLabelled)
                {
                    w.WriteStartObject();
                    w.WriteBoolean("was_cancelled", false);
                    WriteResult(w, image, truth, image.Tags, lost);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("predictions");
                if (predicted.Count > 0)
                {
                    w.WriteStartObject();
                    w.WriteString("model_version", "seer");
                    w.WriteNumber("score", predicted.Average(o => o.Score ?? 0));
                    WriteResult(w, image, predicted, [], lost);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                objects += image.Objects.Count;
                if (!image.IsLabelled && truth.Count > 0) lost.Count("ground-truth object on an unlabelled image", truth.Count);
                lost.EndImage(image);
                progress?.Report(new WorkProgress("export labelstudio", images, snapshot.Images.Count));
            }
            w.WriteEndArray();
        }
        folder.WriteText(ConfigPath, Config(labels));
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static void WriteResult(Utf8JsonWriter w, ImageRecord image, IReadOnlyList<ObjectAnnotation> objects, IReadOnlyList<string> tags, LossLog lost)
    {
        w.WriteStartArray("result");
        int n = 0;
        foreach (var o in objects)
        {
            w.WriteStartObject();
            w.WriteString("id", $"r{++n}");
            w.WriteString("type", "rectanglelabels");
            w.WriteString("from_name", "label");
            w.WriteString("to_name", "image");
            w.WriteNumber("original_width", image.Width);
            w.WriteNumber("original_height", image.Height);
            w.WriteNumber("image_rotation", 0);
            if (o.Score is { } score) w.WriteNumber("score", score);
            w.WriteStartObject("value");
            w.WriteNumber("x", o.Box.X1 / image.Width * 100);
            w.WriteNumber("y", o.Box.Y1 / image.Height * 100);
            w.WriteNumber("width", o.Box.Width / image.Width * 100);
            w.WriteNumber("height", o.Box.Height / image.Height * 100);
            w.WriteNumber("rotation", 0);
            w.WriteStartArray("rectanglelabels");
            w.WriteStringValue(o.Label);
            w.WriteEndArray();
            w.WriteEndObject();
            if (o.Attributes.Count > 0 || o.Difficult || o.Truncated || o.IsCrowd)
            {
                w.WriteStartObject("meta");
                foreach (var (k, v) in o.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                if (o.Difficult) w.WriteString("difficult", "true");
                if (o.Truncated) w.WriteString("truncated", "true");
                if (o.IsCrowd) w.WriteString("iscrowd", "true");
                w.WriteEndObject();
            }
            w.WriteEndObject();
            lost.CountObject(o, polygons: false, crowd: true, difficultTruncated: true, area: false, score: true, attributes: true);
        }
        if (tags.Count > 0)
        {
            w.WriteStartObject();
            w.WriteString("id", $"r{++n}");
            w.WriteString("type", "choices");
            w.WriteString("from_name", "class");
            w.WriteString("to_name", "image");
            w.WriteStartObject("value");
            w.WriteStartArray("choices");
            foreach (var t in tags) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string Config(IReadOnlyList<string> labels)
    {
        static string Esc(string s) => System.Security.SecurityElement.Escape(s) ?? "";
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("<View>");
        sb.AppendLine("  <Image name=\"image\" value=\"$image\"/>");
        sb.AppendLine("  <RectangleLabels name=\"label\" toName=\"image\">");
        foreach (var l in labels) sb.AppendLine($"    <Label value=\"{Esc(l)}\"/>");
        sb.AppendLine("  </RectangleLabels>");
        sb.AppendLine("  <Choices name=\"class\" toName=\"image\" choice=\"multiple\">");
        foreach (var l in labels) sb.AppendLine($"    <Choice value=\"{Esc(l)}\"/>");
        sb.AppendLine("  </Choices>");
        sb.AppendLine("</View>");
        return sb.ToString();
    }
}
