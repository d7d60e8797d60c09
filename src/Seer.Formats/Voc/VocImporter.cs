using System.Xml.Linq;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.Voc;

/// <summary>
/// Pascal VOC: <c>Annotations/*.xml</c> beside <c>JPEGImages/</c> (at the root or under one folder per VOC root).
/// Dataset file names are relative to JPEGImages. Images without an XML are unlabelled.
/// </summary>
public sealed class VocImporter : IDatasetImporter
{
    public string Format => "voc";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        var roots = source.Files
            .Select(f => (File: f, Root: RootOf(f)))
            .Where(x => x.Root is not null && x.File.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            .GroupBy(x => x.Root!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (roots.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{source.Origin}: no Pascal VOC annotations found (expected Annotations/*.xml beside JPEGImages/)",
                source.Origin);
        var classes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            string labels = Join(root.Key, "labels.txt");
            if (!source.Exists(labels)) continue;
            using var reader = new StreamReader(source.Open(labels));
            foreach (var line in reader.ReadToEnd().Split('\n'))
            {
                string name = line.Trim();
                if (name.Length > 0 && name != "_background_" && name != "__ignore__" && seen.Add(name))
                    classes.Add(name);
            }
            ClassLists.Check(classes, source.Display(labels));
        }
        var sink = new IssueSink();
        var plan = roots.Select(g => (Root: g.Key, Xmls: g.Select(x => x.File).ToList())).ToList();
        return sink.Attach(new ImportRead(Items(source, plan, sink), classes));
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, List<(string Root, List<string> Xmls)> plan, IssueSink sink)
    {
        var names = new NameRegistry();
        bool prefixRoot = plan.Count > 1;
        foreach (var (root, xmls) in plan)
        {
            string annotations = Join(root, "Annotations");
            string images = Join(root, "JPEGImages");
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var xml in xmls)
            {
                var item = ReadOne(source, xml, annotations, images, sink, out string? imagePath);
                // An image whose annotation failed is rejected with it, never imported as unlabelled.
                imagePath ??= ImageFiles.FindByStem(source, Join(images, SourcePath.WithoutExtension(SourcePath.RelativeTo(xml, annotations)!)));
                if (imagePath is not null) used.Add(imagePath);
                if (item is null) continue;
                string fileName = (prefixRoot && root.Length > 0 ? root + "/" : "") + SourcePath.RelativeTo(imagePath!, images);
                if (!names.TryAdd(fileName, item.Display, out var first))
                {
                    sink.Reject(source.Display(xml), NameRegistry.DuplicateReason(fileName, first));
                    continue;
                }
                yield return item with { FileName = fileName };
            }
            foreach (var path in ImageFiles.In(source))
            {
                string? rel = SourcePath.RelativeTo(path, images);
                if (rel is null || used.Contains(path)) continue;
                string fileName = (prefixRoot && root.Length > 0 ? root + "/" : "") + rel;
                if (!names.TryAdd(fileName, source.Display(path), out var first))
                {
                    sink.Reject(source.Display(path), NameRegistry.DuplicateReason(fileName, first));
                    continue;
                }
                yield return ImageFiles.Item(source, path, fileName);
            }
        }
    }

    private static ImportItem? ReadOne(IFileSource source, string xml, string annotations, string images, IssueSink sink,
        out string? imagePath)
    {
        imagePath = null;
        string display = source.Display(xml);
        XDocument? doc;
        string why;
        using (var stream = source.Open(xml)) doc = XmlFiles.TryLoad(stream, out why);
        if (doc is null)
        {
            sink.Reject(display, why);
            return null;
        }
        var root = doc.Root!;
        if (root.Name.LocalName != "annotation")
        {
            sink.Reject(display, $"not a VOC annotation: root element is <{root.Name.LocalName}>, expected <annotation>");
            return null;
        }
        string rel = SourcePath.WithoutExtension(SourcePath.RelativeTo(xml, annotations)!);
        string relDir = SourcePath.Directory(rel);
        string? declared = XmlFiles.Text(root, "filename");
        imagePath = Resolve(source, images, relDir, rel, declared);
        if (imagePath is null)
        {
            sink.Reject(display, $"image '{declared ?? SourcePath.FileName(rel)}' not found in {images}/");
            return null;
        }
        var objects = new List<ObjectAnnotation>();
        int index = 0;
        foreach (var obj in root.Elements("object"))
        {
            index++;
            var parsed = ReadObject(obj, out string? reason);
            if (parsed is null)
            {
                sink.Reject($"{display} (object {index}, {XmlFiles.Where(obj)})", reason!);
                continue;
            }
            objects.Add(parsed);
        }
        var size = root.Element("size");
        var attributes = ReadAttributes(root);
        string? segmented = XmlFiles.Text(root, "segmented");
        if (segmented is not null && segmented != "0") attributes["segmented"] = segmented;
        return ImageFiles.Item(source, imagePath, imagePath) with
        {
            IsLabelled = true,
            Objects = objects,
            DeclaredWidth = Num.TryParseInt(XmlFiles.Text(size, "width"), out int w) && w > 0 ? w : null,
            DeclaredHeight = Num.TryParseInt(XmlFiles.Text(size, "height"), out int h) && h > 0 ? h : null,
            Attributes = attributes,
        };
    }

    private static ObjectAnnotation? ReadObject(XElement obj, out string? reason)
    {
        reason = null;
        string? name = XmlFiles.Text(obj, "name");
        if (name is null)
        {
            reason = "object without a <name>";
            return null;
        }
        var bndbox = obj.Element("bndbox");
        if (bndbox is null)
        {
            reason = $"object '{name}' has no <bndbox>";
            return null;
        }
        if (!Num.TryParse(XmlFiles.Text(bndbox, "xmin"), out double xmin) || !Num.TryParse(XmlFiles.Text(bndbox, "ymin"), out double ymin)
            || !Num.TryParse(XmlFiles.Text(bndbox, "xmax"), out double xmax) || !Num.TryParse(XmlFiles.Text(bndbox, "ymax"), out double ymax))
        {
            reason = $"object '{name}': <bndbox> needs xmin, ymin, xmax, ymax as finite numbers";
            return null;
        }
        var box = VocBox.ToBox(xmin, ymin, xmax, ymax);
        reason = BoxCheck.Degenerate(box);
        if (reason is not null)
        {
            reason = $"object '{name}': {reason}";
            return null;
        }
        var attributes = ReadAttributes(obj);
        string? pose = XmlFiles.Text(obj, "pose");
        if (pose is not null && !pose.Equals("Unspecified", StringComparison.OrdinalIgnoreCase)) attributes["pose"] = pose;
        string? occluded = XmlFiles.Text(obj, "occluded");
        if (occluded is not null && occluded != "0") attributes["occluded"] = occluded;
        return new ObjectAnnotation(name, box)
        {
            Difficult = XmlFiles.Flag(obj, "difficult"),
            Truncated = XmlFiles.Flag(obj, "truncated"),
            Attributes = attributes,
        };
    }

    /// <summary>CVAT-style extra attributes: &lt;attributes&gt;&lt;attribute&gt;&lt;name/&gt;&lt;value/&gt;.</summary>
    private static Dictionary<string, string> ReadAttributes(XElement parent)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in parent.Elements("attributes").Elements("attribute"))
        {
            string? key = XmlFiles.Text(a, "name");
            if (key is not null) result[key] = a.Element("value")?.Value ?? "";
        }
        return result;
    }

    private static string? Resolve(IFileSource source, string images, string relDir, string rel, string? declared)
    {
        if (declared is not null)
        {
            string? inDir = SourcePath.Combine(Join(images, relDir), declared);
            if (inDir is not null && source.Exists(inDir)) return inDir;
            string? flat = SourcePath.Combine(images, declared);
            if (flat is not null && source.Exists(flat)) return flat;
        }
        return ImageFiles.FindByStem(source, Join(images, rel));
    }

    /// <summary>The VOC root ("" or a folder) of a file under Annotations/, or null.</summary>
    private static string? RootOf(string file)
    {
        if (file.StartsWith("Annotations/", StringComparison.Ordinal)) return "";
        int at = file.IndexOf("/Annotations/", StringComparison.Ordinal);
        return at < 0 ? null : file[..at];
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + "/" + b;
}
