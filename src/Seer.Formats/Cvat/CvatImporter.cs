using System.Xml.Linq;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Handoff;
using Seer.Formats.Sources;

namespace Seer.Formats.Cvat;

/// <summary>
/// CVAT for images 1.1 — the one CVAT reader, for <c>seer dataset import --format cvat</c> and, with
/// <see cref="Task"/>, for finished labelling hand-off tasks (<see cref="LabellingTasks"/>): one <c>annotations.xml</c>
/// (the shallowest, or the one named) with &lt;image name width height&gt; elements holding shapes
/// (<see cref="CvatShapes"/>) and &lt;tag&gt;s (image labels; an auto tag with a score on an unlabelled image is a
/// predicted tag, <see cref="PredictedTag"/>); labels from meta. Images are found beside the XML, at the source's root
/// or under images/. Listed images are labelled, except those Seer wrote as unlabelled (<c>seer_unlabelled="1"</c>)
/// that nobody labelled since; image files not listed are unlabelled (not in a task, where every image is listed).
/// </summary>
public sealed class CvatImporter : IDatasetImporter
{
    /// <summary>Reading a finished hand-off task: a malformed shape rejects its image (the labeller's work on it is
    /// incomplete), unlisted image files are not imported, and reviewed predictions become labels as the task says.</summary>
    internal TaskReading? Task { get; init; }

    public string Format => "cvat";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        string file = AnnotationFiles.Find(source, options, "CVAT", CvatExporter.AnnotationPath, ".xml");
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
        var items = Items(source, file, doc, sink);
        return sink.Attach(new ImportRead(Task is { } task ? items.Select(task.Review) : items, classes));
    }

    private IEnumerable<ImportItem> Items(IFileSource source, string file, XDocument doc, IssueSink sink)
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
            if (string.IsNullOrWhiteSpace(name))
            {
                sink.Reject(where, "<image> without a name");
                continue;
            }
            string fileName = SourcePath.Normalize(name);
            string? unsafeReason = SourcePath.Unsafe(name) ?? (SourcePath.IsSafeRelative(fileName) ? null : "is not a relative path inside the source");
            if (unsafeReason is not null)
            {
                sink.Reject(where, $"image name '{name}' {unsafeReason}");
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
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            (string Label, double? Score)? predictedTag = null;
            bool failed = false;
            foreach (var shape in image.Elements())
            {
                string? label = (string?)shape.Attribute("label");
                string shapeWhere = $"{display} ({shape.Name.LocalName} {XmlFiles.Where(shape)}, image '{fileName}')";
                if (string.IsNullOrWhiteSpace(label))
                {
                    sink.Reject(shapeWhere, "shape without a label");
                    failed = Task is not null;
                    continue;
                }
                if (shape.Name.LocalName == "tag")
                {
                    if (CvatShapes.IsPredictedTag(shape, out double? score)) predictedTag ??= (label, score);
                    else tags.Add(label);
                    continue;
                }
                var o = CvatShapes.Read(shape, label, out string? problem);
                if (o is null)
                {
                    sink.Reject(shapeWhere, problem!);
                    failed |= Task is not null && shape.Name.LocalName is "box" or "polygon";
                }
                // A polygon Seer wrote beside the box of the same object (earlier hand-off tasks) joins that object.
                else if (shape.Name.LocalName == "polygon" && (string?)shape.Attribute("seer_part_of_box") == "1" && objects.Count > 0 && objects[^1].Label == o.Label)
                    objects[^1] = objects[^1] with { Polygons = [.. objects[^1].Polygons, o.Polygons[0]] };
                else objects.Add(o);
            }
            if (failed) continue;
            bool unlabelled = (string?)image.Attribute("seer_unlabelled") == "1"
                              && objects.All(o => o.Source == AnnotationSource.Predicted) && tags.Count == 0;
            if (predictedTag is { } p)
            {
                if (unlabelled) attributes = PredictedTag.Attributes(p.Label, p.Score);
                else tags.Add(p.Label); // a finished image: the labeller kept the predicted tag
            }
            yield return ImageFiles.Item(source, path, fileName) with
            {
                IsLabelled = !unlabelled,
                Objects = objects,
                Tags = tags,
                Attributes = attributes,
                DeclaredWidth = Num.TryParseInt((string?)image.Attribute("width"), out int w) && w > 0 ? w : null,
                DeclaredHeight = Num.TryParseInt((string?)image.Attribute("height"), out int h) && h > 0 ? h : null,
            };
        }
        if (Task is not null) yield break;
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

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "/" + b;
}
