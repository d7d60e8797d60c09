using System.Xml.Linq;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.Handoff;

/// <summary>
/// Reads a CVAT for images 1.1 export: <c>annotations.xml</c> (at the root or in one folder) and the images under
/// <c>images/</c> beside it (or beside the XML). Every <c>&lt;image&gt;</c> is labelled (a finished task), except those
/// Seer exported as unlabelled and nobody touched. Boxes keep their pixel corners; <c>source="auto"</c> shapes with a
/// <c>score</c> attribute are predictions; polygons become objects boxed by their bounds (or join the box Seer wrote
/// them with); tags become image labels; other attributes are kept.
/// </summary>
public sealed class CvatTaskImporter : IDatasetImporter
{
    /// <summary>
    /// When true (the default), predicted objects on an image the task marks as labelled become ground truth (without
    /// score): a person reviewed the image and kept them. False keeps them as predictions.
    /// </summary>
    public bool ReviewedPredictionsAreLabels { get; init; } = true;

    public string Format => "cvat";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        string? xml = options.AnnotationFile ?? source.Files
            .Where(f => SourcePath.FileName(f).Equals(CvatTaskExporter.AnnotationPath, StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f.Count(c => c == '/')).ThenBy(f => f, StringComparer.Ordinal).FirstOrDefault();
        if (xml is null || !source.Exists(xml))
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Origin}: no CVAT annotations.xml found", source.Origin);
        XDocument? doc;
        string why;
        using (var stream = source.Open(xml)) doc = XmlFiles.TryLoad(stream, out why);
        if (doc is null) throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display(xml)}: {why}", source.Display(xml));
        if (doc.Root!.Name.LocalName != "annotations")
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{source.Display(xml)}: not a CVAT for images file (root is <{doc.Root.Name.LocalName}>, expected <annotations>)", source.Display(xml));
        var classes = doc.Root.Element("meta")?.Descendants("labels").Elements("label")
            .Select(l => XmlFiles.Text(l, "name")).OfType<string>().Distinct().ToList() ?? [];
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, xml, doc.Root, sink).Select(Review), classes));
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, string xml, XElement root, IssueSink sink)
    {
        string dir = SourcePath.Directory(xml);
        var names = new NameRegistry();
        string display = source.Display(xml);
        foreach (var image in root.Elements("image"))
        {
            string? name = image.Attribute("name")?.Value;
            string where = $"{display} ({XmlFiles.Where(image)})";
            if (string.IsNullOrWhiteSpace(name))
            {
                sink.Reject(where, "<image> without a name");
                continue;
            }
            if (SourcePath.Unsafe(name) is { } unsafeReason)
            {
                sink.Reject(where, $"image name '{name}' {unsafeReason}");
                continue;
            }
            string? path = new[] { SourcePath.Combine(dir, "images/" + name), SourcePath.Combine(dir, name) }
                .FirstOrDefault(p => p is not null && source.Exists(p));
            if (path is null)
            {
                sink.Reject(where, $"image '{name}' not found in {SourcePath.Combine(dir, "images") ?? "images"}/");
                continue;
            }
            if (!names.TryAdd(name, where, out var first))
            {
                sink.Reject(where, NameRegistry.DuplicateReason(name, first));
                continue;
            }
            var objects = new List<ObjectAnnotation>();
            bool failed = false;
            foreach (var shape in image.Elements())
            {
                string kind = shape.Name.LocalName;
                if (kind is not ("box" or "polygon")) continue;
                var o = ReadShape(shape, kind, out string? reason);
                if (o is null)
                {
                    sink.Reject($"{display} ({XmlFiles.Where(shape)})", reason!);
                    failed = true;
                    continue;
                }
                if (kind == "polygon" && shape.Attribute("seer_part_of_box")?.Value == "1" && objects.Count > 0 && objects[^1].Label == o.Label)
                    objects[^1] = objects[^1] with { Polygons = [.. objects[^1].Polygons, o.Polygons[0]] };
                else objects.Add(o);
            }
            if (failed) continue;
            var tags = image.Elements("tag").Select(t => t.Attribute("label")?.Value).OfType<string>().ToList();
            bool unlabelled = image.Attribute("seer_unlabelled")?.Value == "1"
                && objects.All(o => o.Source == AnnotationSource.Predicted) && tags.Count == 0;
            yield return ImageFiles.Item(source, path, name) with
            {
                IsLabelled = !unlabelled,
                Objects = objects,
                Tags = tags,
                DeclaredWidth = Num.TryParseInt(image.Attribute("width")?.Value, out int w) && w > 0 ? w : null,
                DeclaredHeight = Num.TryParseInt(image.Attribute("height")?.Value, out int h) && h > 0 ? h : null,
            };
        }
    }

    private static ObjectAnnotation? ReadShape(XElement shape, string kind, out string? reason)
    {
        reason = null;
        string? label = shape.Attribute("label")?.Value;
        if (string.IsNullOrWhiteSpace(label))
        {
            reason = $"<{kind}> without a label";
            return null;
        }
        var attributes = shape.Elements("attribute")
            .Where(a => a.Attribute("name") is not null)
            .GroupBy(a => a.Attribute("name")!.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value.Trim(), StringComparer.Ordinal);
        BoxXyxy box;
        IReadOnlyList<IReadOnlyList<PointXy>> polygons = [];
        if (kind == "box")
        {
            if (!Num.TryParse(shape.Attribute("xtl")?.Value, out double x1) || !Num.TryParse(shape.Attribute("ytl")?.Value, out double y1)
                || !Num.TryParse(shape.Attribute("xbr")?.Value, out double x2) || !Num.TryParse(shape.Attribute("ybr")?.Value, out double y2))
            {
                reason = $"box '{label}' has a missing or non-numeric xtl/ytl/xbr/ybr";
                return null;
            }
            box = new BoxXyxy(x1, y1, x2, y2);
        }
        else
        {
            var points = new List<PointXy>();
            foreach (var pair in (shape.Attribute("points")?.Value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var xy = pair.Split(',');
                if (xy.Length != 2 || !Num.TryParse(xy[0], out double px) || !Num.TryParse(xy[1], out double py))
                {
                    reason = $"polygon '{label}' has a malformed point '{pair}'";
                    return null;
                }
                points.Add(new PointXy(px, py));
            }
            if (points.Count < 3)
            {
                reason = $"polygon '{label}' has {points.Count} points; at least 3 are needed";
                return null;
            }
            polygons = [points];
            box = BoxCheck.Bounds(polygons);
        }
        if (BoxCheck.Degenerate(box) is { } bad)
        {
            reason = $"{kind} '{label}': {bad}";
            return null;
        }
        bool predicted = shape.Attribute("source")?.Value == "auto" && attributes.ContainsKey("score");
        double? score = attributes.TryGetValue("score", out var s) && Num.TryParse(s, out double sv) ? sv : null;
        bool difficult = attributes.TryGetValue("difficult", out var d) && d is "true" or "1";
        bool crowd = attributes.TryGetValue("iscrowd", out var c) && c is "true" or "1";
        foreach (var k in new[] { "score", "difficult", "iscrowd" }) attributes.Remove(k);
        return new ObjectAnnotation(label, box)
        {
            Polygons = polygons,
            Score = score,
            Source = predicted ? AnnotationSource.Predicted : AnnotationSource.GroundTruth,
            Difficult = difficult,
            IsCrowd = crowd,
            Truncated = shape.Attribute("occluded")?.Value == "1",
            Attributes = attributes,
        };
    }

    private ImportItem Review(ImportItem item) =>
        ReviewedPredictionsAreLabels && item.IsLabelled && item.Objects.Any(o => o.Source == AnnotationSource.Predicted)
            ? item with { Objects = item.Objects.Select(o => o.Source == AnnotationSource.Predicted ? o with { Source = AnnotationSource.GroundTruth, Score = null } : o).ToList() }
            : item;
}
