using System.Xml;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;

namespace Seer.Formats.Handoff;

/// <summary>
/// Writes a CVAT task ("CVAT for images 1.1"): <c>annotations.xml</c> and <c>images/&lt;file name&gt;</c>. The meta
/// block lists the labels in class order. Each image is an <c>&lt;image&gt;</c> with <c>&lt;box&gt;</c> (xtl/ytl/xbr/ybr
/// in pixels), <c>&lt;polygon&gt;</c> for polygons, <c>&lt;tag&gt;</c> for image labels. Predictions (pre-annotations) are
/// <c>source="auto"</c> with a <c>score</c> attribute; ground truth is <c>source="manual"</c>; VOC flags and free
/// attributes travel as <c>&lt;attribute&gt;</c>s. Unlabelled images are listed without shapes (the labeller's to do).
/// </summary>
public sealed class CvatTaskExporter : IDatasetExporter
{
    public const string AnnotationPath = "annotations.xml";

    public string Format => "cvat";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("CVAT");
        var labels = snapshot.Classes.ToList();
        foreach (var l in snapshot.Images.SelectMany(i => i.Objects.Select(o => o.Label).Concat(i.Tags)))
            if (!labels.Contains(l)) labels.Add(l);
        int images = 0, objects = 0;
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        using (var stream = new FileStream(folder.PathFor(AnnotationPath), FileMode.CreateNew, FileAccess.Write))
        using (var w = XmlWriter.Create(stream, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("annotations");
            w.WriteElementString("version", "1.1");
            w.WriteStartElement("meta");
            w.WriteStartElement("task");
            w.WriteElementString("name", $"{snapshot.Name}@{snapshot.Version}");
            w.WriteElementString("size", Num.Format(snapshot.Images.Count));
            w.WriteElementString("mode", "annotation");
            w.WriteStartElement("labels");
            foreach (var label in labels)
            {
                w.WriteStartElement("label");
                w.WriteElementString("name", label);
                w.WriteElementString("type", "any");
                w.WriteStartElement("attributes");
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
            foreach (var image in snapshot.Images)
            {
                folder.CopyImage(snapshot, image, "images/" + image.FileName);
                w.WriteStartElement("image");
                w.WriteAttributeString("id", Num.Format(images));
                w.WriteAttributeString("name", image.FileName);
                w.WriteAttributeString("width", Num.Format(image.Width));
                w.WriteAttributeString("height", Num.Format(image.Height));
                if (!image.IsLabelled && image.Objects.All(o => o.Source == AnnotationSource.Predicted) && image.Tags.Count == 0)
                    w.WriteAttributeString("seer_unlabelled", "1");
                foreach (var o in image.Objects)
                {
                    objects++;
                    WriteBox(w, o);
                    foreach (var polygon in o.Polygons)
                    {
                        w.WriteStartElement("polygon");
                        w.WriteAttributeString("label", o.Label);
                        w.WriteAttributeString("source", o.Source == AnnotationSource.Predicted ? "auto" : "manual");
                        w.WriteAttributeString("occluded", "0");
                        w.WriteAttributeString("points", string.Join(";", polygon.Select(p => $"{Num.Format(p.X)},{Num.Format(p.Y)}")));
                        w.WriteAttributeString("z_order", "0");
                        w.WriteAttributeString("seer_part_of_box", "1");
                        w.WriteEndElement();
                    }
                    lost.CountObject(o, polygons: true, crowd: true, difficultTruncated: true, area: false, score: true, attributes: true);
                }
                foreach (var tag in image.Tags)
                {
                    w.WriteStartElement("tag");
                    w.WriteAttributeString("label", tag);
                    w.WriteAttributeString("source", "manual");
                    w.WriteEndElement();
                }
                w.WriteEndElement();
                lost.EndImage(image);
                images++;
                progress?.Report(new WorkProgress("export cvat", images, snapshot.Images.Count));
            }
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static void WriteBox(XmlWriter w, ObjectAnnotation o)
    {
        w.WriteStartElement("box");
        w.WriteAttributeString("label", o.Label);
        w.WriteAttributeString("source", o.Source == AnnotationSource.Predicted ? "auto" : "manual");
        w.WriteAttributeString("occluded", o.Truncated ? "1" : "0");
        w.WriteAttributeString("xtl", Num.Format(o.Box.X1));
        w.WriteAttributeString("ytl", Num.Format(o.Box.Y1));
        w.WriteAttributeString("xbr", Num.Format(o.Box.X2));
        w.WriteAttributeString("ybr", Num.Format(o.Box.Y2));
        w.WriteAttributeString("z_order", "0");
        void Attr(string name, string value)
        {
            w.WriteStartElement("attribute");
            w.WriteAttributeString("name", name);
            w.WriteString(value);
            w.WriteEndElement();
        }
        if (o.Score is { } score) Attr("score", Num.Format(score));
        if (o.Difficult) Attr("difficult", "true");
        if (o.IsCrowd) Attr("iscrowd", "true");
        foreach (var (k, v) in o.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (k is not ("score" or "difficult" or "iscrowd")) Attr(k, v);
        w.WriteEndElement();
    }
}
