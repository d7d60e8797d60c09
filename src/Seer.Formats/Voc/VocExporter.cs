using System.Xml.Linq;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.Voc;

/// <summary>
/// Writes Pascal VOC: <c>JPEGImages/&lt;file name&gt;</c>, <c>Annotations/&lt;file name without extension&gt;.xml</c>
/// for labelled images (unlabelled images get no XML), and <c>labels.txt</c> with the class list.
/// Extra attributes go in CVAT-style &lt;attributes&gt; elements. VOC cannot hold polygons, crowd flags, COCO areas,
/// scores or image-level tags: they are reported as lost.
/// </summary>
public sealed class VocExporter : IDatasetExporter
{
    public string Format => "voc";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("VOC");
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        int images = 0, objects = 0;
        foreach (var image in snapshot.Images)
        {
            if (image.IsLabelled)
            {
                string stem = SourcePath.WithoutExtension(image.FileName);
                if (!stems.TryAdd(stem, image.FileName))
                {
                    lost.Note($"its annotation would overwrite that of '{stems[stem]}' (same name without extension); image not written");
                    lost.EndImage(image);
                    continue;
                }
                folder.WriteText($"Annotations/{stem}.xml", Annotation(image, lost).ToString());
                objects += image.Objects.Count;
            }
            folder.CopyImage(snapshot, image, "JPEGImages/" + image.FileName);
            lost.EndImage(image);
            images++;
            progress?.Report(new WorkProgress("export voc", images, snapshot.Images.Count));
        }
        folder.WriteText("labels.txt", string.Join('\n', snapshot.Classes) + (snapshot.Classes.Count > 0 ? "\n" : ""));
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static XElement Annotation(ImageRecord image, LossLog lost)
    {
        var root = new XElement("annotation",
            new XElement("folder", "JPEGImages"),
            new XElement("filename", SourcePath.FileName(image.FileName)),
            new XElement("source", new XElement("database", "Seer")),
            new XElement("size",
                new XElement("width", image.Width),
                new XElement("height", image.Height),
                new XElement("depth", 3)),
            new XElement("segmented", image.Attributes.GetValueOrDefault("segmented", "0")));
        var extra = image.Attributes.Where(kv => kv.Key != "segmented").ToList();
        if (extra.Count > 0) root.Add(Attributes(extra));
        lost.Count("image tag", image.Tags.Count);
        foreach (var o in image.Objects)
        {
            lost.CountObject(o, polygons: false, crowd: false, difficultTruncated: true, area: false, score: false, attributes: true);
            var (xmin, ymin, xmax, ymax) = VocBox.FromBox(o.Box);
            var element = new XElement("object",
                new XElement("name", o.Label),
                new XElement("pose", o.Attributes.GetValueOrDefault("pose", "Unspecified")),
                new XElement("truncated", o.Truncated ? 1 : 0),
                new XElement("difficult", o.Difficult ? 1 : 0));
            if (o.Attributes.TryGetValue("occluded", out var occluded)) element.Add(new XElement("occluded", occluded));
            element.Add(new XElement("bndbox",
                new XElement("xmin", Num.Format(xmin)),
                new XElement("ymin", Num.Format(ymin)),
                new XElement("xmax", Num.Format(xmax)),
                new XElement("ymax", Num.Format(ymax))));
            var attrs = o.Attributes.Where(kv => kv.Key is not "pose" and not "occluded").ToList();
            if (attrs.Count > 0) element.Add(Attributes(attrs));
            root.Add(element);
        }
        return root;
    }

    private static XElement Attributes(IEnumerable<KeyValuePair<string, string>> attributes) =>
        new("attributes", attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new XElement("attribute", new XElement("name", kv.Key), new XElement("value", kv.Value))));
}
