using System.Xml.Linq;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;

namespace Seer.Formats.Cvat;

/// <summary>
/// Writes CVAT for images 1.1: <c>annotations.xml</c> (labels in meta, one &lt;image&gt; per labelled image with
/// &lt;tag&gt;, &lt;box&gt; and &lt;polygon&gt; elements, attributes as &lt;attribute&gt;; difficult/truncated/crowd as
/// attributes of those names) and <c>images/&lt;file name&gt;</c>. An object with polygons is written as its polygons
/// (several → several shapes, a box that is not their bounds is reported). Scores, areas and image attributes are lost.
/// </summary>
public sealed class CvatExporter : IDatasetExporter
{
    public string Format => "cvat";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("CVAT");
        var classes = snapshot.Classes.ToList();
        foreach (var l in snapshot.Images.SelectMany(i => i.Objects.Select(o => o.Label).Concat(i.Tags)))
            if (!classes.Contains(l)) classes.Add(l);
        var root = new XElement("annotations",
            new XElement("version", "1.1"),
            new XElement("meta", new XElement("task",
                new XElement("name", snapshot.ToString()),
                new XElement("labels", classes.Select(c => new XElement("label", new XElement("name", c), new XElement("attributes")))))));
        int images = 0, objects = 0, id = 0;
        foreach (var image in snapshot.Images)
        {
            folder.CopyImage(snapshot, image, "images/" + image.FileName);
            images++;
            progress?.Report(new WorkProgress("export cvat", images, snapshot.Images.Count));
            lost.Count("image attribute", image.Attributes.Count);
            if (!image.IsLabelled)
            {
                lost.EndImage(image);
                continue;
            }
            var element = new XElement("image", new XAttribute("id", id++), new XAttribute("name", image.FileName),
                new XAttribute("width", image.Width), new XAttribute("height", image.Height));
            foreach (var tag in image.Tags) element.Add(new XElement("tag", new XAttribute("label", tag), new XAttribute("source", "manual")));
            foreach (var o in image.Objects)
            {
                objects++;
                lost.CountObject(o, polygons: true, crowd: true, difficultTruncated: true, area: false, score: false, attributes: true);
                if (o.Polygons.Count == 0)
                {
                    element.Add(Shape("box", o,
                        new XAttribute("xtl", Num.Format(o.Box.X1)), new XAttribute("ytl", Num.Format(o.Box.Y1)),
                        new XAttribute("xbr", Num.Format(o.Box.X2)), new XAttribute("ybr", Num.Format(o.Box.Y2))));
                    continue;
                }
                if (!BoxCheck.Same(BoxCheck.Bounds(o.Polygons), o.Box)) lost.Count("box differing from its polygons' bounds");
                if (o.Polygons.Count > 1) lost.Count("polygon split into separate objects", o.Polygons.Count - 1);
                foreach (var polygon in o.Polygons)
                    element.Add(Shape("polygon", o, new XAttribute("points",
                        string.Join(';', polygon.Select(p => Num.Format(p.X) + "," + Num.Format(p.Y))))));
            }
            root.Add(element);
            lost.EndImage(image);
        }
        folder.WriteText("annotations.xml", new XDocument(new XDeclaration("1.0", "utf-8", null), root).ToString());
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static XElement Shape(string kind, ObjectAnnotation o, params XAttribute[] geometry)
    {
        var attributes = ShapeFlags.Export(o).ToList();
        var element = new XElement(kind, new XAttribute("label", o.Label), new XAttribute("source", "manual"),
            new XAttribute("occluded", attributes.Any(a => a.Key == "occluded" && a.Value == "1") ? 1 : 0));
        element.Add(geometry);
        element.Add(new XAttribute("z_order", 0));
        foreach (var (key, value) in attributes.Where(a => a.Key != "occluded" || a.Value != "1"))
            element.Add(new XElement("attribute", new XAttribute("name", key), value));
        return element;
    }
}
