using System.Text;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.Yolo;

/// <summary>
/// Writes YOLO: <c>images/&lt;file name&gt;</c>, <c>labels/&lt;file name&gt;.txt</c> (class cx cy w h normalised, full
/// precision; a score column for predictions), <c>data.yaml</c> with the class names. Unlabelled images get no label
/// file. YOLO cannot hold polygons, crowd/difficult/truncated flags, areas, attributes or tags: reported as lost.
/// </summary>
public sealed class YoloExporter : IDatasetExporter
{
    public string Format => "yolo";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("YOLO");
        var classes = snapshot.Classes.ToList();
        foreach (var o in snapshot.Images.SelectMany(i => i.Objects))
            if (!classes.Contains(o.Label)) classes.Add(o.Label);
        var ids = classes.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var labelFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        int images = 0, objects = 0;
        foreach (var image in snapshot.Images)
        {
            if (image.IsLabelled)
            {
                string label = "labels/" + SourcePath.WithoutExtension(image.FileName) + ".txt";
                if (!labelFiles.TryAdd(label, image.FileName))
                {
                    lost.Note($"its label file would overwrite that of '{labelFiles[label]}' (same name without extension); image not written");
                    lost.EndImage(image);
                    continue;
                }
                var text = new StringBuilder();
                foreach (var o in image.Objects)
                {
                    lost.CountObject(o, polygons: false, crowd: false, difficultTruncated: false, area: false, score: true, attributes: false);
                    var b = BoxCxcywhNormalized.FromPixels(o.Box, image.Width, image.Height);
                    text.Append(ids[o.Label]).Append(' ').Append(Num.Format(b.Cx)).Append(' ').Append(Num.Format(b.Cy))
                        .Append(' ').Append(Num.Format(b.W)).Append(' ').Append(Num.Format(b.H));
                    if (o.Score is { } score) text.Append(' ').Append(Num.Format(score));
                    text.Append('\n');
                    objects++;
                }
                folder.WriteText(label, text.ToString());
                lost.Count("image tag", image.Tags.Count);
            }
            lost.Count("image attribute", image.Attributes.Count);
            folder.CopyImage(snapshot, image, "images/" + image.FileName);
            lost.EndImage(image);
            images++;
            progress?.Report(new WorkProgress("export yolo", images, snapshot.Images.Count));
        }
        folder.WriteText("data.yaml", DataYaml(classes));
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static string DataYaml(IReadOnlyList<string> classes)
    {
        var yaml = new StringBuilder();
        yaml.Append("# written by Seer\npath: .\ntrain: images\nval: images\n");
        yaml.Append("nc: ").Append(classes.Count).Append('\n');
        yaml.Append("names:\n");
        foreach (var name in classes) yaml.Append("  - ").Append(Quote(name)).Append('\n');
        return yaml.ToString();
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
