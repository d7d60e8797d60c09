using System.Text.Json;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;
using Seer.Imaging;

namespace Seer.Formats.LabelStudio;

/// <summary>
/// Label Studio JSON tasks: <c>[{"data": {"image": ...}, "annotations": [{"result": [...]}], "predictions": [...]}]</c>.
/// The first annotation that was not cancelled gives the labels (the image is then labelled); predictions become
/// objects with <see cref="AnnotationSource.Predicted"/>, their score and a model_version attribute. The image reference
/// (<c>/data/local-files/?d=path</c>, <c>/data/upload/…/name</c>, a URL or a path) is found in the source by path, under
/// images/, or by its file name.
/// </summary>
public sealed class LabelStudioImporter : IDatasetImporter
{
    public string Format => "labelstudio";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var jsons = source.Files.Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).ToList();
        string? file = options.AnnotationFile is { } chosen ? SourcePath.Normalize(chosen)
            : jsons.FirstOrDefault(f => SourcePath.FileName(f).Equals("tasks.json", StringComparison.OrdinalIgnoreCase)) ?? (jsons.Count == 1 ? jsons[0] : null);
        if (file is null || !source.Exists(file))
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Origin}: no Label Studio tasks.json found", source.Origin);
        var doc = JsonFiles.Parse(source, file);
        var root = doc.RootElement;
        if (root.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display(file)}: expected a JSON array of tasks", source.Display(file));
        var tasks = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
        var byName = ImageFiles.In(source).GroupBy(SourcePath.FileName).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, file, tasks, byName, sink), []));
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, string file, List<JsonElement> tasks,
        Dictionary<string, List<string>> byName, IssueSink sink)
    {
        string display = source.Display(file);
        var names = new NameRegistry();
        var used = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var task in tasks)
        {
            index++;
            string where = $"{display} (task {JsonFiles.Id(task, "id") ?? index.ToString()})";
            string? reference = ImageReference(task);
            if (reference is null)
            {
                sink.Reject(where, "task without an image in data");
                continue;
            }
            string? path = Resolve(source, reference, byName);
            if (path is null)
            {
                sink.Reject(where, $"image '{reference}' is not in the source");
                continue;
            }
            used.Add(path);
            string fileName = SourcePath.RelativeTo(path, "images") ?? path;
            if (!names.TryAdd(fileName, source.Display(path), out var first))
            {
                sink.Reject(where, NameRegistry.DuplicateReason(fileName, first));
                continue;
            }
            int width = 0, height = 0;
            bool NeedSize()
            {
                if (width > 0) return true;
                using var s = source.Open(path);
                if (!ImageProbe.TryRead(s, out var header, out var why))
                {
                    sink.Reject(where, $"cannot read the image size to convert percentages: {why}");
                    return false;
                }
                (width, height) = (header.Width, header.Height);
                return true;
            }
            if (!NeedSize()) continue;
            var objects = new List<ObjectAnnotation>();
            var tags = new List<string>();
            void Reject(string w, string why) => sink.Reject($"{where} ({w})", why);
            void Warn(string w, string why) => sink.Warn($"{where} ({w})", why);
            var annotations = JsonFiles.Get(task, "annotations", JsonValueKind.Array)?.EnumerateArray()
                .Where(a => !(a.TryGetProperty("was_cancelled", out var c) && c.ValueKind == JsonValueKind.True)).ToList() ?? [];
            if (annotations.Count > 1) Warn("annotations", $"{annotations.Count} annotations; the first is imported");
            bool labelled = annotations.Count > 0;
            if (labelled && JsonFiles.Get(annotations[0], "result", JsonValueKind.Array) is { } result)
                LabelStudioResults.Read(result, width, height, AnnotationSource.GroundTruth, null, null, objects, tags, Reject, Warn);
            if (JsonFiles.Get(task, "predictions", JsonValueKind.Array) is { } predictions)
                foreach (var p in predictions.EnumerateArray())
                    if (JsonFiles.Get(p, "result", JsonValueKind.Array) is { } presult)
                        LabelStudioResults.Read(presult, width, height, AnnotationSource.Predicted, JsonFiles.Number(p, "score"),
                            JsonFiles.String(p, "model_version"), objects, tags, Reject, Warn);
            yield return ImageFiles.Item(source, path, fileName) with { IsLabelled = labelled, Objects = objects, Tags = tags };
        }
        foreach (var path in ImageFiles.In(source))
        {
            if (used.Contains(path)) continue;
            string fileName = SourcePath.RelativeTo(path, "images") ?? path;
            if (!names.TryAdd(fileName, source.Display(path), out _)) continue;
            yield return ImageFiles.Item(source, path, fileName);
        }
    }

    private static string? ImageReference(JsonElement task)
    {
        if (JsonFiles.Get(task, "data", JsonValueKind.Object) is not { } data) return null;
        if (JsonFiles.String(data, "image") is { Length: > 0 } image) return image;
        return data.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null)
            .FirstOrDefault(s => !string.IsNullOrEmpty(s) && ImageProbe.HasImageExtension(s.Split('?')[0]));
    }

    private static string? Resolve(IFileSource source, string reference, Dictionary<string, List<string>> byName)
    {
        string path = reference;
        int d = path.IndexOf("?d=", StringComparison.Ordinal);
        if (d >= 0) path = path[(d + 3)..];
        else
        {
            int scheme = path.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
            {
                int slash = path.IndexOf('/', scheme + 3);
                path = slash < 0 ? "" : path[slash..];
            }
        }
        path = SourcePath.Normalize(Uri.UnescapeDataString(path)).TrimStart('/');
        foreach (var candidate in new[] { path, "images/" + path })
            if (SourcePath.Combine("", candidate) is { } c && source.Exists(c)) return c;
        string name = SourcePath.FileName(path);
        return byName.TryGetValue(name, out var matches) && matches.Count == 1 ? matches[0] : null;
    }
}
