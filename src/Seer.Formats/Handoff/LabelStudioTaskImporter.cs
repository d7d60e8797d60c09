using System.Text.Json;
using System.Text.RegularExpressions;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;
using Seer.Imaging;

namespace Seer.Formats.Handoff;

/// <summary>
/// Reads a Label Studio JSON export (an array of tasks; the file <c>tasks.json</c>, or the one JSON file of the
/// source) with the images beside it. A task's image is found by <c>data.seer_file_name</c> (Seer's own export), else
/// by the file name in <c>data.image</c> (the <c>?d=</c> path of local-file storage or the URL's last segment, also
/// without the 8-hex upload prefix Label Studio adds). The first annotation that was not cancelled gives the labels
/// (rectanglelabels → objects, percentages converted to pixels with <c>original_width/height</c>; choices → image
/// labels) and makes the image labelled; a task without one is unlabelled and keeps its first prediction's boxes as
/// predicted objects with their scores.
/// </summary>
public sealed partial class LabelStudioTaskImporter : IDatasetImporter
{
    /// <summary>
    /// When true (the default), predicted objects on an image the task marks as labelled become ground truth (without
    /// score): a person reviewed the image and kept them. False keeps them as predictions.
    /// </summary>
    public bool ReviewedPredictionsAreLabels { get; init; } = true;

    public string Format => "labelstudio";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        string? file = options.AnnotationFile;
        if (file is null)
        {
            var jsons = source.Files.Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
            file = jsons.FirstOrDefault(f => SourcePath.FileName(f) == LabelStudioTaskExporter.TasksPath) ?? (jsons.Count == 1 ? jsons[0] : null);
            if (file is null)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{source.Origin}: no Label Studio export found (expected tasks.json or a single .json file; found {jsons.Count} JSON files)", source.Origin);
        }
        var doc = JsonFiles.Parse(source, file);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            doc.Dispose();
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display(file)}: a Label Studio export is a JSON array of tasks", source.Display(file));
        }
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, file, doc, sink).Select(Review), []));
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, string file, JsonDocument doc, IssueSink sink)
    {
        using var _ = doc;
        string dir = SourcePath.Directory(file);
        var byName = source.Files.Where(ImageProbe.HasImageExtension)
            .GroupBy(SourcePath.FileName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var names = new NameRegistry();
        int index = 0;
        foreach (var task in doc.RootElement.EnumerateArray())
        {
            index++;
            string where = $"{source.Display(file)} (task {JsonFiles.Id(task, "id") ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
            var data = JsonFiles.Get(task, "data", JsonValueKind.Object);
            string? seerName = data is { } d1 ? JsonFiles.String(d1, "seer_file_name") : null;
            string? url = data is { } d2 ? JsonFiles.String(d2, "image") : null;
            if (seerName is null && url is null)
            {
                sink.Reject(where, "task has no data.image");
                continue;
            }
            string? path = Locate(source, dir, seerName, url, byName);
            string fileName = seerName ?? (path is null ? "" : SourcePath.FileName(path));
            if (path is null || (seerName is not null && SourcePath.Unsafe(seerName) is not null))
            {
                sink.Reject(where, $"image '{seerName ?? url}' not found beside {source.Display(file)}");
                continue;
            }
            if (!names.TryAdd(fileName, where, out var first))
            {
                sink.Reject(where, NameRegistry.DuplicateReason(fileName, first));
                continue;
            }
            JsonElement? annotation = null;
            if (JsonFiles.Get(task, "annotations", JsonValueKind.Array) is { } annotations)
                foreach (var a in annotations.EnumerateArray())
                    if (!(a.TryGetProperty("was_cancelled", out var c) && c.ValueKind == JsonValueKind.True)) { annotation = a; break; }
            JsonElement? prediction = null;
            if (annotation is null && JsonFiles.Get(task, "predictions", JsonValueKind.Array) is { } predictions)
                foreach (var p in predictions.EnumerateArray()) { prediction = p; break; }
            var chosen = annotation ?? prediction;
            var objects = new List<ObjectAnnotation>();
            var tags = new List<string>();
            string? reason = null;
            if (chosen is { } result && JsonFiles.Get(result, "result", JsonValueKind.Array) is { } items)
            {
                (int W, int H)? size = null;
                foreach (var r in items.EnumerateArray())
                {
                    string? type = JsonFiles.String(r, "type");
                    var value = JsonFiles.Get(r, "value", JsonValueKind.Object);
                    if (value is null) continue;
                    if (type == "choices" && JsonFiles.Get(value.Value, "choices", JsonValueKind.Array) is { } choices)
                        tags.AddRange(choices.EnumerateArray().Select(JsonFiles.Scalar).OfType<string>());
                    if (type != "rectanglelabels") continue;
                    size ??= Size(r, source, path);
                    var o = ReadBox(r, value.Value, size, annotation is null, out reason);
                    if (o is null) break;
                    objects.Add(o);
                }
            }
            if (reason is not null)
            {
                sink.Reject(where, reason);
                continue;
            }
            yield return ImageFiles.Item(source, path, fileName) with
            {
                IsLabelled = annotation is not null,
                Objects = objects,
                Tags = tags.Distinct(StringComparer.Ordinal).ToList(),
            };
        }
    }

    private static ObjectAnnotation? ReadBox(JsonElement r, JsonElement value, (int W, int H)? size, bool predicted, out string? reason)
    {
        reason = null;
        string? label = JsonFiles.Get(value, "rectanglelabels", JsonValueKind.Array) is { } ls
            ? ls.EnumerateArray().Select(JsonFiles.Scalar).FirstOrDefault(s => s is not null) : null;
        double? x = JsonFiles.Number(value, "x"), y = JsonFiles.Number(value, "y"), w = JsonFiles.Number(value, "width"), h = JsonFiles.Number(value, "height");
        if (label is null || x is null || y is null || w is null || h is null)
        {
            reason = "rectanglelabels result without a label or x/y/width/height";
            return null;
        }
        if (size is not { } s || s.W <= 0 || s.H <= 0)
        {
            reason = "image size unknown (no original_width/original_height and the image cannot be probed)";
            return null;
        }
        if ((JsonFiles.Number(value, "rotation") ?? 0) != 0)
        {
            reason = $"box '{label}' is rotated; Seer boxes are axis-aligned";
            return null;
        }
        var box = new BoxXyxy(x.Value / 100 * s.W, y.Value / 100 * s.H, (x.Value + w.Value) / 100 * s.W, (y.Value + h.Value) / 100 * s.H);
        if (BoxCheck.Degenerate(box) is { } bad)
        {
            reason = $"box '{label}': {bad}";
            return null;
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonFiles.Get(r, "meta", JsonValueKind.Object) is { } meta)
            foreach (var p in meta.EnumerateObject())
                if (JsonFiles.Scalar(p.Value) is { } v) attributes[p.Name] = v;
        bool Flag(string k) => attributes.Remove(k, out var v) && v is "true" or "1";
        double? score = JsonFiles.Number(r, "score");
        return new ObjectAnnotation(label, box)
        {
            Score = score,
            Source = predicted || (score is not null && JsonFiles.String(r, "origin") is "prediction") ? AnnotationSource.Predicted : AnnotationSource.GroundTruth,
            Difficult = Flag("difficult"),
            Truncated = Flag("truncated"),
            IsCrowd = Flag("iscrowd"),
            Attributes = attributes,
        };
    }

    private static (int, int)? Size(JsonElement r, IFileSource source, string path)
    {
        if (JsonFiles.Integer(r, "original_width") is long w && JsonFiles.Integer(r, "original_height") is long h) return ((int)w, (int)h);
        using var stream = source.Open(path);
        return ImageProbe.TryRead(stream, out var header, out _) ? (header.Width, header.Height) : null;
    }

    private static string? Locate(IFileSource source, string dir, string? seerName, string? url, Dictionary<string, string> byName)
    {
        if (seerName is not null && SourcePath.Unsafe(seerName) is null)
            foreach (var candidate in new[] { SourcePath.Combine(dir, "images/" + seerName), SourcePath.Combine(dir, seerName) })
                if (candidate is not null && source.Exists(candidate)) return candidate;
        if (url is null) return null;
        string tail = url;
        int q = tail.IndexOf("?d=", StringComparison.Ordinal);
        if (q >= 0) tail = Uri.UnescapeDataString(tail[(q + 3)..]);
        if (SourcePath.Unsafe(tail) is null && SourcePath.Combine(dir, tail) is { } rel && source.Exists(rel)) return rel;
        string name = Uri.UnescapeDataString(tail[(tail.LastIndexOf('/') + 1)..]);
        if (byName.TryGetValue(name, out var found)) return found;
        var m = UploadPrefix().Match(name);
        return m.Success && byName.TryGetValue(name[m.Length..], out found) ? found : null;
    }

    [GeneratedRegex("^[0-9a-f]{8}-")]
    private static partial Regex UploadPrefix();

    private ImportItem Review(ImportItem item) =>
        ReviewedPredictionsAreLabels && item.IsLabelled && item.Objects.Any(o => o.Source == AnnotationSource.Predicted)
            ? item with { Objects = item.Objects.Select(o => o.Source == AnnotationSource.Predicted ? o with { Source = AnnotationSource.GroundTruth, Score = null } : o).ToList() }
            : item;
}
