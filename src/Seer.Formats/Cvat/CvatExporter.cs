using System.Xml.Linq;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;
using Seer.Formats.Handoff;

namespace Seer.Formats.Cvat;

/// <summary>
/// Writes CVAT for images 1.1 — the one CVAT writer, for <c>seer dataset export --format cvat</c> and for labelling
/// hand-off tasks (<see cref="LabellingTasks"/>): <c>annotations.xml</c> (labels in meta, one &lt;image&gt; per image with
/// &lt;tag&gt;, &lt;box&gt; and &lt;polygon&gt; elements) and <c>images/&lt;file name&gt;</c>. Ground truth is
/// <c>source="manual"</c>; predictions (pre-annotations) are <c>source="auto"</c> with a <c>score</c> attribute, and a
/// classifier's predicted tag of an unlabelled image (<see cref="PredictedTag"/>) an auto &lt;tag&gt; with its score.
/// Difficult/truncated/crowd travel as attributes of those names, free attributes as &lt;attribute&gt;s. Unlabelled
/// images are listed with <c>seer_unlabelled="1"</c> (the labeller's to do; they come back unlabelled unless someone
/// labelled them). An object with polygons is written as its polygons (several → several shapes, a box that is not
/// their bounds is reported). Areas and other image attributes are lost.
/// </summary>
public sealed class CvatExporter : IDatasetExporter
{
    public const string AnnotationPath = "annotations.xml";

    public string Format => "cvat";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("CVAT");
        var classes = AnnotationFiles.Labels(snapshot);
        var root = new XElement("annotations",
            new XElement("version", "1.1"),
            new XElement("meta", new XElement("task",
                new XElement("name", snapshot.ToString()),
                new XElement("size", snapshot.Images.Count),
                new XElement("mode", "annotation"),
                new XElement("labels", classes.Select(c => new XElement("label", new XElement("name", c), new XElement("type", "any"), new XElement("attributes")))))));
        int images = 0, objects = 0;
        foreach (var image in snapshot.Images)
        {
            folder.CopyImage(snapshot, image, "images/" + image.FileName);
            var element = new XElement("image", new XAttribute("id", images), new XAttribute("name", image.FileName),
                new XAttribute("width", image.Width), new XAttribute("height", image.Height));
            images++;
            progress?.Report(new WorkProgress("export cvat", images, snapshot.Images.Count));
            bool predictedTag = PredictedTag.TryGet(image, out string tagLabel, out double? tagScore);
            lost.Count("image attribute", AnnotationFiles.LostImageAttributes(image));
            if (!image.IsLabelled) element.Add(new XAttribute("seer_unlabelled", "1"));
            foreach (var tag in image.Tags) element.Add(new XElement("tag", new XAttribute("label", tag), new XAttribute("source", "manual")));
            if (predictedTag)
                element.Add(new XElement("tag", new XAttribute("label", tagLabel), new XAttribute("source", "auto"), Attribute("score", Num.Format(tagScore ?? 0))));
            foreach (var o in image.Objects)
            {
                objects++;
                lost.CountObject(o, polygons: true, crowd: true, difficultTruncated: true, area: false, score: o.Source == AnnotationSource.Predicted, attributes: true);
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
        folder.WriteText(AnnotationPath, new XDocument(new XDeclaration("1.0", "utf-8", null), root).ToString());
        folder.Commit();
        return new ExportReport(images, objects, lost.Lost);
    }

    private static XElement Shape(string kind, ObjectAnnotation o, params XAttribute[] geometry)
    {
        var attributes = ShapeFlags.Export(o).ToList();
        bool predicted = o.Source == AnnotationSource.Predicted;
        var element = new XElement(kind, new XAttribute("label", o.Label), new XAttribute("source", predicted ? "auto" : "manual"),
            new XAttribute("occluded", attributes.Any(a => a.Key == "occluded" && a.Value == "1") ? 1 : 0));
        element.Add(geometry);
        element.Add(new XAttribute("z_order", 0));
        if (predicted && o.Score is { } score) element.Add(Attribute(CvatShapes.ScoreAttribute, Num.Format(score)));
        foreach (var (key, value) in attributes.Where(a => (a.Key != "occluded" || a.Value != "1") && !(predicted && a.Key == CvatShapes.ScoreAttribute)))
            element.Add(Attribute(key, value));
        return element;
    }

    private static XElement Attribute(string name, string value) => new("attribute", new XAttribute("name", name), value);
}
