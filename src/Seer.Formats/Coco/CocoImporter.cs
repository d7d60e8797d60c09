using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.Coco;

/// <summary>
/// COCO instances JSON: images, annotations (bbox [x, y, w, h] in pixels, polygon segmentation, iscrowd, area,
/// optional score and attributes) and categories. Images listed in the JSON are labelled (possibly with no
/// objects); image files beside them that the JSON does not list are unlabelled.
/// </summary>
public sealed class CocoImporter : IDatasetImporter
{
    public string Format => "coco";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var files = AnnotationFiles(source, options);
        var parsed = files.Select(f => CocoFile.Load(source, f)).ToList();
        var classes = new List<string>();
        foreach (var file in parsed)
            foreach (var name in file.Categories.Values)
                if (!classes.Contains(name)) classes.Add(name);
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, parsed, sink), classes));
    }

    private static List<string> AnnotationFiles(IFileSource source, ImportOptions options)
    {
        if (options.AnnotationFile is { } chosen)
        {
            string path = SourcePath.Normalize(chosen);
            if (!source.Exists(path))
                throw new SeerException(ErrorCodes.NotFound, $"COCO annotation file '{chosen}' not found in {source.Origin}", source.Origin);
            return [path];
        }
        var json = source.Files.Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
        var preferred = json.Where(f =>
        {
            string name = SourcePath.FileName(f).ToLowerInvariant();
            return name.StartsWith("instances", StringComparison.Ordinal) || name is "annotations.json" or "_annotations.coco.json";
        }).ToList();
        if (preferred.Count > 0) return preferred;
        if (json.Count == 1) return json;
        throw new SeerException(ErrorCodes.InvalidInput, json.Count == 0
                ? $"{source.Origin}: no COCO annotation file found (expected annotations.json or annotations/instances_*.json)"
                : $"{source.Origin}: {json.Count} JSON files and none named like a COCO annotation file (instances_*.json, annotations.json); choose one with the annotation-file option",
            source.Origin);
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, List<CocoFile> files, IssueSink sink)
    {
        var names = new NameRegistry();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var bases = new HashSet<(string Dir, string Base)>();
        foreach (var file in files)
        {
            string display = source.Display(file.Path);
            foreach (var (imageId, reason) in file.OrphanAnnotations)
                sink.Reject($"{display} (annotation {imageId})", reason);
            foreach (var image in file.Images)
            {
                string where = $"{display} (image id {image.Id}, '{image.FileName}')";
                if (image.Problem is not null)
                {
                    sink.Reject(where, image.Problem);
                    continue;
                }
                string fileName = SourcePath.Normalize(image.FileName);
                if (!SourcePath.IsSafeRelative(fileName))
                {
                    sink.Reject(where, $"file_name '{image.FileName}' is not a relative path inside the source");
                    continue;
                }
                var (path, baseDir) = Resolve(source, file, fileName);
                if (path is null)
                {
                    sink.Reject(where, $"image '{image.FileName}' referenced by the annotations is not in the source");
                    continue;
                }
                used.Add(path);
                bases.Add((SourcePath.Directory(path), baseDir));
                if (!names.TryAdd(fileName, source.Display(path), out var first))
                {
                    sink.Reject(where, NameRegistry.DuplicateReason(fileName, first));
                    continue;
                }
                var objects = new List<ObjectAnnotation>();
                foreach (var a in file.AnnotationsOf(image.Id))
                {
                    var o = CocoAnnotation.Read(a, file.Categories, out string? problem, out string? warning);
                    string id = JsonFiles.Id(a, "id") ?? "?";
                    if (warning is not null) sink.Warn($"{display} (annotation {id}, image '{fileName}')", warning);
                    if (o is null) sink.Reject($"{display} (annotation {id}, image '{fileName}')", problem!);
                    else objects.Add(o);
                }
                yield return ImageFiles.Item(source, path, fileName) with
                {
                    IsLabelled = true,
                    Objects = objects,
                    DeclaredWidth = image.Width,
                    DeclaredHeight = image.Height,
                    Attributes = image.Attributes,
                };
            }
        }
        // Image files beside the listed ones (or anywhere under an images/ folder) that no JSON lists: unlabelled.
        foreach (var path in ImageFiles.In(source))
        {
            if (used.Contains(path)) continue;
            string dir = SourcePath.Directory(path);
            string? fileName = bases.Where(b => b.Dir == dir).Select(b => SourcePath.RelativeTo(path, b.Base)).FirstOrDefault(r => r is not null);
            fileName ??= SourcePath.RelativeTo(path, "images");
            if (fileName is null) continue;
            if (!names.TryAdd(fileName, source.Display(path), out var first))
            {
                sink.Reject(source.Display(path), NameRegistry.DuplicateReason(fileName, first));
                continue;
            }
            yield return ImageFiles.Item(source, path, fileName);
        }
    }

    /// <summary>Finds an image: beside the JSON, at the root, under images/ or the split folder, or by unique suffix.</summary>
    private static (string? Path, string Base) Resolve(IFileSource source, CocoFile file, string fileName)
    {
        string annDir = SourcePath.Directory(file.Path);
        string parent = SourcePath.Directory(annDir);
        string stem = SourcePath.WithoutExtension(SourcePath.FileName(file.Path));
        string split = stem.StartsWith("instances_", StringComparison.OrdinalIgnoreCase) ? stem["instances_".Length..] : stem;
        foreach (var b in new[] { annDir, "", parent, Join(parent, "images"), "images", Join(parent, split), Join(parent, "images/" + split), Join(annDir, "images") }.Distinct())
        {
            string? candidate = SourcePath.Combine(b, fileName);
            if (candidate is not null && source.Exists(candidate)) return (candidate, b);
        }
        var matches = source.Files.Where(f => f.EndsWith("/" + fileName, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? (matches[0], matches[0][..^(fileName.Length + 1)]) : (null, "");
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : a + "/" + b;
}
