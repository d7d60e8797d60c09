using System.Text.Json;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;
using Seer.Imaging;

namespace Seer.Formats.LabelMe;

/// <summary>
/// LabelMe: one JSON per image (shapes, flags, imagePath relative to the JSON, optional base64 imageData).
/// The image is the file imagePath names (or the JSON's namesake image); when it is missing and imageData is
/// embedded, the embedded bytes are the image. Images no JSON points at are unlabelled.
/// </summary>
public sealed class LabelMeImporter : IDatasetImporter
{
    public string Format => "labelme";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        var jsons = source.Files.Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
        if (jsons.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Origin}: no LabelMe JSON files found", source.Origin);
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, jsons, sink), []));
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, List<string> jsons, IssueSink sink)
    {
        var names = new NameRegistry();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var json in jsons)
        {
            var item = ReadOne(source, json, sink, used);
            if (item is null)
            {
                // The image of an annotation that failed is rejected with it, never imported as unlabelled.
                if (ImageFiles.FindByStem(source, SourcePath.WithoutExtension(json)) is { } namesake) used.Add(namesake);
                continue;
            }
            if (!names.TryAdd(item.FileName, source.Display(json), out var first))
            {
                sink.Reject(source.Display(json), NameRegistry.DuplicateReason(item.FileName, first));
                continue;
            }
            yield return item;
        }
        foreach (var path in ImageFiles.In(source))
        {
            if (used.Contains(path) || names.Contains(path)) continue;
            names.TryAdd(path, source.Display(path), out _);
            yield return ImageFiles.Item(source, path, path);
        }
    }

    private static ImportItem? ReadOne(IFileSource source, string json, IssueSink sink, HashSet<string> used)
    {
        string display = source.Display(json);
        using var doc = JsonFiles.TryParse(source, json, out string reason);
        if (doc is null)
        {
            sink.Reject(display, reason);
            return null;
        }
        var root = doc.RootElement;
        if (JsonFiles.Get(root, "shapes", JsonValueKind.Array) is not { } shapes)
        {
            sink.Reject(display, "not a LabelMe annotation: no \"shapes\" array");
            return null;
        }
        string dir = SourcePath.Directory(json);
        string? imagePath = JsonFiles.String(root, "imagePath");
        string? path = null;
        if (!string.IsNullOrEmpty(imagePath))
        {
            string? combined = SourcePath.Combine(dir, imagePath);
            string? besides = SourcePath.Combine(dir, SourcePath.FileName(SourcePath.Normalize(imagePath)));
            path = combined is not null && source.Exists(combined) ? combined
                : besides is not null && source.Exists(besides) ? besides : null;
        }
        path ??= ImageFiles.FindByStem(source, SourcePath.WithoutExtension(json));
        ImportItem item;
        if (path is not null)
        {
            used.Add(path);
            item = ImageFiles.Item(source, path, path);
        }
        else if (JsonFiles.String(root, "imageData") is { Length: > 0 } data)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(data);
            }
            catch (FormatException)
            {
                sink.Reject(display, "imageData is not valid base64");
                return null;
            }
            string ext = ImageProbe.TryRead(new MemoryStream(bytes), out var header, out _) ? "." + (header.Format == "jpeg" ? "jpg" : header.Format) : ".png";
            string baseName = string.IsNullOrEmpty(imagePath) ? SourcePath.FileName(SourcePath.WithoutExtension(json)) + ext
                : SourcePath.FileName(SourcePath.Normalize(imagePath));
            string fileName = dir.Length == 0 ? baseName : dir + "/" + baseName;
            item = new ImportItem(fileName, () => new MemoryStream(bytes, writable: false), display + " (embedded imageData)");
        }
        else
        {
            sink.Reject(display, $"image '{imagePath}' not found and no imageData embedded");
            return null;
        }
        var objects = LabelMeShapes.Read(shapes, (where, why) => sink.Reject($"{display} ({where})", why),
            (where, why) => sink.Warn($"{display} ({where})", why));
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonFiles.Get(root, "flags", JsonValueKind.Object) is { } flags)
            foreach (var f in flags.EnumerateObject())
                if (JsonFiles.Scalar(f.Value) is { } v) attributes[f.Name] = v;
        long? w = JsonFiles.Integer(root, "imageWidth"), h = JsonFiles.Integer(root, "imageHeight");
        return item with
        {
            IsLabelled = true,
            Objects = objects,
            Attributes = attributes,
            DeclaredWidth = w is > 0 and < int.MaxValue ? (int)w : null,
            DeclaredHeight = h is > 0 and < int.MaxValue ? (int)h : null,
        };
    }
}
