using System.Xml.Linq;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.Cvat;

/// <summary>
/// CVAT for images 1.1: one <c>annotations.xml</c> with &lt;image name width height&gt; elements holding &lt;box&gt;
/// (xtl ytl xbr ybr, continuous pixel corners), &lt;polygon points="x,y;x,y;..."&gt;, &lt;tag&gt; (image tags) and
/// &lt;attribute&gt; children; labels from meta. Images listed are labelled; image files not listed are unlabelled.
/// </summary>
public sealed class CvatImporter : IDatasetImporter
{
    public string Format => "cvat";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        var xmls = source.Files.Where(f => f.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)).ToList();
        string? file = options.AnnotationFile is { } chosen ? SourcePath.Normalize(chosen)
            : xmls.FirstOrDefault(f => SourcePath.FileName(f).Equals("annotations.xml", StringComparison.OrdinalIgnoreCase))
              ?? (xmls.Count == 1 ? xmls[0] : null);
        if (file is null || !source.Exists(file))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{source.Origin}: no CVAT annotations.xml found{(xmls.Count > 1 ? $" ({xmls.Count} XML files; name the one to read)" : "")}", source.Origin);
        string display = source.Display(file);
        XDocument? doc;
        string reason;
        using (var stream = source.Open(file)) doc = XmlFiles.TryLoad(stream, out reason);
        if (doc is null) throw new SeerException(ErrorCodes.InvalidInput, $"{display}: {reason}", display);
        if (doc.Root!.Name.LocalName != "annotations")
            throw new SeerException(ErrorCodes.InvalidInput, $"{display}: root element is <{doc.Root.Name.LocalName}>, expected CVAT's <annotations>", display);
        var classes = doc.Root.Element("meta")?.Descendants("labels").Elements("label")
            .Select(l => XmlFiles.Text(l, "name")).OfType<string>().Distinct().ToList() ?? [];
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, file, doc, sink), classes));
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, string file, XDocument doc, IssueSink sink)
    {
        string display = source.Display(file);
        string dir = SourcePath.Directory(file);
        var names = new NameRegistry();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var imageDirs = new HashSet<(string Dir, string Base)>();
        foreach (var image in doc.Root!.Elements("image"))
        {
            string? name = (string?)image.Attribute("name");
            string where = $"{display} (image {(string?)image.Attribute("id") ?? "?"}, {XmlFiles.Where(image)})";
            string fileName = SourcePath.Normalize(name ?? "");
            if (!SourcePath.IsSafeRelative(fileName))
            {
                sink.Reject(where, $"image name '{name}' is not a relative path inside the source");
                continue;
            }
            string? path = null, baseDir = null;
            foreach (var b in new[] { dir, "", Join(dir, "images"), "images" }.Distinct())
                if (SourcePath.Combine(b, fileName) is { } candidate && source.Exists(candidate))
                {
                    (path, baseDir) = (candidate, b);
                    break;
                }
            if (path is null)
            {
                sink.Reject(where, $"image '{name}' is not in the source");
                continue;
            }
            used.Add(path);
            imageDirs.Add((SourcePath.Directory(path), baseDir!));
            if (!names.TryAdd(fileName, source.Display(path), out var first))
            {
                sink.Reject(where, NameRegistry.DuplicateReason(fileName, first));
                continue;
            }
            var objects = new List<ObjectAnnotation>();
            var tags = new List<string>();
            foreach (var shape in image.Elements())
            {
                string? label = (string?)shape.Attribute("label");
                string shapeWhere = $"{display} ({shape.Name.LocalName} {XmlFiles.Where(shape)}, image '{fileName}')";
                if (string.IsNullOrWhiteSpace(label))
                {
                    sink.Reject(shapeWhere, "shape without a label");
                    continue;
                }
                if (shape.Name.LocalName == "tag")
                {
                    tags.Add(label);
                    continue;
                }
                var o = ReadShape(shape, label, out string? problem);
                if (o is null) sink.Reject(shapeWhere, problem!);
                else objects.Add(o);
            }
            yield return ImageFiles.Item(source, path, fileName) with
            {
                IsLabelled = true,
                Objects = objects,
                Tags = tags,
                DeclaredWidth = int.TryParse((string?)image.Attribute("width"), out int w) && w > 0 ? w : null,
                DeclaredHeight = int.TryParse((string?)image.Attribute("height"), out int h) && h > 0 ? h : null,
            };
        }
        foreach (var path in ImageFiles.In(source))
        {
            if (used.Contains(path)) continue;
            string pathDir = SourcePath.Directory(path);
            string? fileName = imageDirs.Where(d => d.Dir == pathDir).Select(d => SourcePath.RelativeTo(path, d.Base)).FirstOrDefault(r => r is not null)
                               ?? SourcePath.RelativeTo(path, Join(dir, "images"));
            if (fileName is null || !names.TryAdd(fileName, source.Display(path), out _)) continue;
            yield return ImageFiles.Item(source, path, fileName);
        }
    }

    private static ObjectAnnotation? ReadShape(XElement shape, string label, out string? problem)
    {
        problem = null;
        BoxXyxy box;
        List<IReadOnlyList<PointXy>> polygons = [];
        switch (shape.Name.LocalName)
        {
            case "box":
                if (!Num.TryParse((string?)shape.Attribute("xtl"), out double x1) || !Num.TryParse((string?)shape.Attribute("ytl"), out double y1)
                    || !Num.TryParse((string?)shape.Attribute("xbr"), out double x2) || !Num.TryParse((string?)shape.Attribute("ybr"), out double y2))
                {
                    problem = $"'{label}': box needs numeric xtl, ytl, xbr, ybr";
                    return null;
                }
                box = new BoxXyxy(x1, y1, x2, y2);
                break;
            case "polygon":
                var points = new List<PointXy>();
                foreach (var pair in ((string?)shape.Attribute("points") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var xy = pair.Split(',');
                    if (xy.Length != 2 || !Num.TryParse(xy[0], out double x) || !Num.TryParse(xy[1], out double y))
                    {
                        problem = $"'{label}': polygon points must be 'x,y;x,y;...'";
                        return null;
                    }
                    points.Add(new PointXy(x, y));
                }
                if (points.Count < 3)
                {
                    problem = $"'{label}': polygon with {points.Count} points";
                    return null;
                }
                polygons.Add(points);
                box = BoxCheck.Bounds(polygons);
                break;
            default:
                problem = $"'{label}': CVAT shape <{shape.Name.LocalName}> is not a box or a polygon";
                return null;
        }
        if (BoxCheck.Degenerate(box) is { } degenerate)
        {
            problem = $"'{label}': {degenerate}";
            return null;
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in shape.Elements("attribute"))
            if ((string?)a.Attribute("name") is { Length: > 0 } key) attributes[key] = a.Value;
        if ((string?)shape.Attribute("occluded") == "1") attributes["occluded"] = "1";
        return ShapeFlags.Apply(new ObjectAnnotation(label, box) { Polygons = polygons }, attributes);
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "/" + b;
}
