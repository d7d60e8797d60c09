using System.Text.Json;
using System.Text.RegularExpressions;
using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Handoff;
using Seer.Formats.Sources;
using Seer.Imaging;

namespace Seer.Formats.LabelStudio;

/// <summary>
/// Label Studio JSON tasks — the one Label Studio reader, for <c>seer dataset import --format labelstudio</c> and, with
/// <see cref="Task"/>, for finished labelling hand-off tasks (<see cref="LabellingTasks"/>):
/// <c>[{"data": {"image": ...}, "annotations": [{"result": [...]}], "predictions": [...]}]</c> (tasks.json, or the one
/// JSON file of the source). The first annotation that was not cancelled gives the labels (the image is then
/// labelled); predictions become objects with <see cref="AnnotationSource.Predicted"/>, their score and a model_version
/// attribute, and predicted choices on an unlabelled image a predicted tag (<see cref="PredictedTag"/>). The image is
/// found by <c>data.seer_file_name</c> (Seer's own export), else by the reference in <c>data.image</c>
/// (<c>/data/local-files/?d=path</c>, <c>/data/upload/…/name</c> with or without Label Studio's 8-hex upload prefix, a
/// URL or a path): by path, under images/, or by its file name. Image files no task names are unlabelled.
/// </summary>
public sealed partial class LabelStudioImporter : IDatasetImporter
{
    /// <summary>Reading a finished hand-off task: predictions count only on a task nobody annotated (the first one),
    /// a region that cannot be read rejects its image, unlisted image files are not imported, and reviewed predictions
    /// become labels as the task says.</summary>
    internal TaskReading? Task { get; init; }

    public string Format => "labelstudio";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        string file = AnnotationFiles.Find(source, options, "Label Studio", LabelStudioExporter.TasksPath, ".json");
        var doc = JsonFiles.Parse(source, file);
        var root = doc.RootElement;
        if (root.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display(file)}: expected a JSON array of tasks", source.Display(file));
        var tasks = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
        var byName = ImageFiles.In(source).GroupBy(SourcePath.FileName).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var sink = new IssueSink();
        var items = Items(source, file, tasks, byName, sink);
        return sink.Attach(new ImportRead(Task is { } task ? items.Select(task.Review) : items, []));
    }

    private IEnumerable<ImportItem> Items(IFileSource source, string file, List<JsonElement> tasks,
        Dictionary<string, List<string>> byName, IssueSink sink)
    {
        string display = source.Display(file);
        string dir = SourcePath.Directory(file);
        var names = new NameRegistry();
        var used = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var task in tasks)
        {
            index++;
            string where = $"{display} (task {JsonFiles.Id(task, "id") ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
            string? seerName = JsonFiles.Get(task, "data", JsonValueKind.Object) is { } data ? JsonFiles.String(data, "seer_file_name") : null;
            string? reference = ImageReference(task);
            if (seerName is null && reference is null)
            {
                sink.Reject(where, "task without an image in data");
                continue;
            }
            string? path = seerName is not null && SourcePath.Unsafe(seerName) is not null ? null : Resolve(source, dir, seerName, reference, byName);
            if (path is null)
            {
                sink.Reject(where, $"image '{seerName ?? reference}' is not in the source");
                continue;
            }
            used.Add(path);
            string fileName = seerName ?? SourcePath.RelativeTo(path, "images") ?? path;
            if (!names.TryAdd(fileName, source.Display(path), out var first))
            {
                sink.Reject(where, NameRegistry.DuplicateReason(fileName, first));
                continue;
            }
            int width = 0, height = 0;
            using (var s = source.Open(path))
            {
                if (!ImageProbe.TryRead(s, out var header, out var why))
                {
                    sink.Reject(where, $"cannot read the image size to convert percentages: {why}");
                    continue;
                }
                (width, height) = (header.Width, header.Height);
            }
            var objects = new List<ObjectAnnotation>();
            var tags = new List<string>();
            var predictedTags = new List<(string Label, double? Score)>();
            bool failed = false;
            void Reject(string w, string why)
            {
                sink.Reject($"{where} ({w})", why);
                failed = Task is not null;
            }
            void Warn(string w, string why) => sink.Warn($"{where} ({w})", why);
            var annotations = JsonFiles.Get(task, "annotations", JsonValueKind.Array)?.EnumerateArray()
                .Where(a => !(a.TryGetProperty("was_cancelled", out var c) && c.ValueKind == JsonValueKind.True)).ToList() ?? [];
            if (annotations.Count > 1) Warn("annotations", $"{annotations.Count} annotations; the first is imported");
            bool labelled = annotations.Count > 0;
            if (labelled && JsonFiles.Get(annotations[0], "result", JsonValueKind.Array) is { } result)
                LabelStudioResults.Read(result, width, height, AnnotationSource.GroundTruth, null, null, objects, tags, Reject, Warn);
            if (JsonFiles.Get(task, "predictions", JsonValueKind.Array) is { } predictions)
                foreach (var p in predictions.EnumerateArray().Take(Task is null ? int.MaxValue : labelled ? 0 : 1))
                    if (JsonFiles.Get(p, "result", JsonValueKind.Array) is { } presult)
                        LabelStudioResults.Read(presult, width, height, AnnotationSource.Predicted, JsonFiles.Number(p, "score"),
                            Task is null ? JsonFiles.String(p, "model_version") : null, objects, tags, Reject, Warn, labelled ? null : predictedTags);
            if (failed) continue;
            yield return ImageFiles.Item(source, path, fileName) with
            {
                IsLabelled = labelled,
                Objects = objects,
                Tags = tags.Distinct(StringComparer.Ordinal).ToList(),
                Attributes = predictedTags.Count > 0 ? PredictedTag.Attributes(predictedTags[0].Label, predictedTags[0].Score) : new Dictionary<string, string>(),
            };
        }
        if (Task is not null) yield break;
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

    private static string? Resolve(IFileSource source, string dir, string? seerName, string? reference, Dictionary<string, List<string>> byName)
    {
        if (seerName is not null)
            foreach (var candidate in new[] { SourcePath.Combine(dir, "images/" + seerName), SourcePath.Combine(dir, seerName) })
                if (candidate is not null && source.Exists(candidate)) return candidate;
        if (reference is null) return null;
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
        foreach (var candidate in new[] { path, "images/" + path }.SelectMany(c => new[] { SourcePath.Combine(dir, c), SourcePath.Combine("", c) }))
            if (candidate is not null && source.Exists(candidate)) return candidate;
        string name = SourcePath.FileName(path);
        if (byName.TryGetValue(name, out var matches) && matches.Count == 1) return matches[0];
        var upload = UploadPrefix().Match(name);
        return upload.Success && byName.TryGetValue(name[upload.Length..], out matches) && matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>The prefix Label Studio puts before the name of an uploaded file.</summary>
    [GeneratedRegex("^[0-9a-f]{8}-")]
    private static partial Regex UploadPrefix();
}
