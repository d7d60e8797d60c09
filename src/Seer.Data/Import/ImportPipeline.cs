using System.Collections.Concurrent;
using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Data.Labels;
using Seer.Data.Storage;
using Seer.Imaging;

namespace Seer.Data.Import;

/// <summary>
/// Turns what an importer read into a dataset version. Per item, on parallel workers: read the bytes, probe the
/// header, refuse images above the pixel limit before anything decodes them, check the file is whole (and decode
/// it fully when asked), compare the declared size, clip boxes that leave the image (warning) and reject
/// degenerate ones, then hash and stage the bytes. At the end: labels through the label space (map, add or refuse),
/// blobs made durable, and the version with all its image rows written in one transaction. A failure or a kill
/// before that transaction leaves no version; earlier versions are untouched.
/// </summary>
public sealed class ImportPipeline
{
    private readonly Workspace _workspace;

    public ImportPipeline(Workspace workspace) => _workspace = workspace;

    public Task<ImportResult> RunAsync(ImportRead read, ImportRequest request, IProgress<WorkProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(request);
        Workspace.ValidateDatasetName(request.Dataset);
        // The caller is released as soon as the token fires, even while a worker is blocked reading a stalled source;
        // that worker then finds the token cancelled and commits nothing.
        return Task.Run(() => Run(read, request, progress, cancellationToken), cancellationToken).WaitAsync(cancellationToken);
    }

    private ImportResult Run(ImportRead read, ImportRequest request, IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        using var batch = _workspace.BeginBlobBatch();
        var accepted = new ConcurrentDictionary<int, ImageRecord>();
        var rejected = new ConcurrentDictionary<int, ItemIssue>();
        var warnings = new ConcurrentQueue<(int Index, ItemIssue Issue)>();
        long? total = read.Items is ICollection<ImportItem> c ? c.Count : null;
        long done = 0;

        var seenNames = new Dictionary<string, string>(StringComparer.Ordinal);
        IEnumerable<(int Index, ImportItem Item, string? Rejection)> Indexed()
        {
            int i = 0;
            foreach (var item in read.Items)
            {
                string name = NormaliseName(item.FileName, out string? unsafeReason);
                string? rejection = unsafeReason;
                if (rejection is null && !seenNames.TryAdd(name, item.Display))
                    rejection = $"duplicate file name '{name}' (first seen as {seenNames[name]}); rename one of them";
                yield return (i++, item with { FileName = name }, rejection);
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Parallelism), CancellationToken = ct };
        var source = System.Collections.Concurrent.Partitioner.Create(Indexed(), EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(source, options, entry =>
        {
            var (index, item, rejection) = entry;
            if (rejection is null)
            {
                var outcome = Process(item, request, batch, out rejection, out var itemWarnings);
                if (outcome is not null) accepted[index] = outcome;
                foreach (var w in itemWarnings) warnings.Enqueue((index, new ItemIssue(item.Display, w)));
            }
            if (rejection is not null) rejected[index] = new ItemIssue(item.Display, rejection);
            long n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 64 == 0 || n == total)) progress.Report(new WorkProgress("import", n, total));
        });
        ct.ThrowIfCancellationRequested();

        var allRejected = read.Rejected.Concat(rejected.OrderBy(kv => kv.Key).Select(kv => kv.Value)).ToList();
        var allWarnings = read.Warnings.Concat(warnings.OrderBy(w => w.Index).Select(w => w.Issue)).ToList();
        var images = accepted.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList();
        if (images.Count == 0)
        {
            string why = allRejected.Count == 0
                ? "the source holds no images"
                : $"all {allRejected.Count} items were rejected: " + string.Join("; ", allRejected.Take(5).Select(r => $"{r.File}: {r.Reason}"));
            throw new SeerException(ErrorCodes.InvalidInput, $"nothing to import into '{request.Dataset}': {why}", request.Source);
        }

        // Labels: apply --map, then the label space; unknown ones are added or refused, never dropped.
        var space = _workspace.Labels;
        var newLabels = new List<string>();
        var unknown = new List<string>();
        var mapped = new Dictionary<string, string>(StringComparer.Ordinal);
        var cache = new Dictionary<string, string>(StringComparer.Ordinal);
        string Canon(string label)
        {
            if (cache.TryGetValue(label, out var hit)) return hit;
            string target = label;
            if (request.LabelMap.TryGetValue(label, out var m))
            {
                target = m;
                mapped[label] = m;
            }
            string? canonical = space.Resolve(target);
            // A workspace alias that renames a label in use (dog → cat with "dog" a label itself) is reported.
            if (canonical is not null && canonical != target && space.Contains(target))
                allWarnings.Add(new ItemIssue(request.Source ?? request.Dataset,
                    $"label '{target}' is renamed to '{canonical}' by the workspace alias {target} → {canonical}"));
            if (canonical is null)
            {
                Workspace.ValidateLabel(target);
                canonical = target;
                if (!newLabels.Contains(target, StringComparer.Ordinal)) newLabels.Add(target);
                if (!unknown.Contains(label, StringComparer.Ordinal)) unknown.Add(label);
            }
            cache[label] = canonical;
            return canonical;
        }
        images = images.Select(i => Workspace.Canonicalise(i, Canon)).ToList();
        var classes = Workspace.Distinct(read.DeclaredClasses.Select(Canon).Concat(images.SelectMany(Workspace.UsedLabels))).ToList();
        if (request.UnknownLabels == UnknownLabelPolicy.Refuse && unknown.Count > 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"import into '{request.Dataset}' refused: labels not in the workspace's label space: {string.Join(", ", unknown)}; " +
                "map them (--map NAME=LABEL) or let the import add them (--unknown-labels add)", request.Source);

        ct.ThrowIfCancellationRequested();
        batch.Commit();
        var parents = _workspace.Metadata.FindHead(request.Dataset) is { } head ? new[] { head } : [];
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["format"] = request.Format,
            ["source"] = request.Source,
            ["rejected"] = allRejected.Count,
            ["label_map"] = new SortedDictionary<string, string>(mapped.ToDictionary(), StringComparer.Ordinal),
        };
        var aliases = mapped.Where(kv => kv.Key != kv.Value).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var commit = _workspace.CommitCore(request.Dataset, images, parents, "import", parameters, classes, newLabels, aliases,
            skipWhenHeadHasSameContent: true);
        progress?.Report(new WorkProgress("import", done, done, "committed"));
        return new ImportResult(request.Dataset, commit.Version.Version, commit.Created, images.Count,
            images.Count(i => i.IsLabelled), images.Sum(i => i.Objects.Count), batch.StagedCount, batch.StagedBytes,
            allRejected, allWarnings, newLabels, mapped, classes);
    }

    /// <summary>Checks and stages one item; returns null with a rejection reason when it cannot be imported.</summary>
    private static ImageRecord? Process(ImportItem item, ImportRequest request, IBlobBatch batch, out string? rejection, out List<string> warnings)
    {
        warnings = [];
        byte[] bytes;
        try
        {
            using var stream = item.Open();
            bytes = ReadAll(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or SeerException)
        {
            rejection = $"cannot read the file: {ex.Message}";
            return null;
        }
        using (var probe = new MemoryStream(bytes, writable: false))
        {
            if (!ImageProbe.TryRead(probe, out var header, out var reason))
            {
                rejection = reason + (ImageProbe.HasImageExtension(item.FileName) ? $" (despite its {Path.GetExtension(item.FileName)} extension)" : "");
                return null;
            }
            if (header.Pixels > request.MaxPixels)
            {
                rejection = $"image is {header.Width}x{header.Height} = {header.Pixels:N0} pixels, above the limit of {request.MaxPixels:N0} " +
                            "(decompression-bomb guard; raise it with --max-pixels if the image is genuine)";
                return null;
            }
            if (!ImageIntegrity.CheckEnding(bytes, header.Format, out reason)
                || (request.VerifyDecode && !ImageIntegrity.TryDecode(bytes, header, out reason)))
            {
                rejection = reason;
                return null;
            }
            var record = CheckAnnotations(item, header.Width, header.Height, out rejection, warnings);
            if (record is null) return null;
            var put = batch.Add(bytes);
            return record with { ContentHash = put.Sha256 };
        }
    }

    private static ImageRecord? CheckAnnotations(ImportItem item, int width, int height, out string? rejection, List<string> warnings)
    {
        rejection = null;
        if (item.DeclaredWidth is int dw && item.DeclaredHeight is int dh && (dw != width || dh != height))
            warnings.Add($"annotation declares size {dw}x{dh} but the image is {width}x{height}; the image's size is used");
        var objects = new List<ObjectAnnotation>(item.Objects.Count);
        for (int i = 0; i < item.Objects.Count; i++)
        {
            var o = item.Objects[i];
            if (NonFinite(o) is { } what)
            {
                rejection = $"object {i + 1} '{o.Label}': {what} is not a finite number";
                return null;
            }
            if (o.Box.IsDegenerate)
            {
                rejection = $"object {i + 1} '{o.Label}' has a degenerate box {o.Box} (no area); fix or remove it";
                return null;
            }
            if (!o.Box.IsInside(width, height))
            {
                var clipped = o.Box.Clip(width, height);
                if (clipped.IsDegenerate)
                {
                    rejection = $"object {i + 1} '{o.Label}' box {o.Box} lies entirely outside the {width}x{height} image";
                    return null;
                }
                warnings.Add($"object {i + 1} '{o.Label}' box {o.Box} clipped to {clipped} (image is {width}x{height})");
                o = o with
                {
                    Box = clipped,
                    Polygons = o.Polygons.Select(p => (IReadOnlyList<Core.Geometry.PointXy>)p
                        .Select(pt => new Core.Geometry.PointXy(Math.Clamp(pt.X, 0, width), Math.Clamp(pt.Y, 0, height))).ToList()).ToList(),
                };
            }
            objects.Add(o);
        }
        return new ImageRecord("", item.FileName, width, height)
        {
            IsLabelled = item.IsLabelled || item.Objects.Count > 0 || item.Tags.Count > 0,
            Tags = item.Tags,
            Objects = objects,
            Attributes = item.Attributes,
        };
    }

    /// <summary>The first non-finite number of an object (NaN or infinity would fail when the version is written), or null.</summary>
    private static string? NonFinite(ObjectAnnotation o)
    {
        var b = o.Box;
        if (!double.IsFinite(b.X1) || !double.IsFinite(b.Y1) || !double.IsFinite(b.X2) || !double.IsFinite(b.Y2)) return $"box {b}";
        if (o.Score is { } s && !double.IsFinite(s)) return $"score {s}";
        if (o.Area is { } a && !double.IsFinite(a)) return $"area {a}";
        foreach (var polygon in o.Polygons)
            foreach (var p in polygon)
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) return $"polygon point ({p.X}, {p.Y})";
        return null;
    }

    /// <summary>
    /// '/' separators, no absolute or '..' paths. Unicode names are kept exactly as the source spells them (as Linux
    /// file systems and git do: a composed and a decomposed "é" are two different names).
    /// </summary>
    internal static string NormaliseName(string fileName, out string? unsafeReason)
    {
        unsafeReason = null;
        string name = (fileName ?? "").Replace('\\', '/');
        if (name.Length == 0) unsafeReason = "empty file name";
        else if (name.StartsWith('/') || (name.Length > 1 && name[1] == ':')) unsafeReason = $"absolute path '{name}' is not allowed inside a dataset";
        else if (name.Split('/').Any(s => s is ".." or "." or "")) unsafeReason = $"path '{name}' has an empty, '.' or '..' segment";
        else if (name.Any(char.IsControl)) unsafeReason = "file name contains control characters";
        return name;
    }

    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek)
        {
            long length = stream.Length - stream.Position;
            if (length > int.MaxValue) throw new IOException($"file is {length} bytes, over the 2 GB limit for one image");
            var buffer = new byte[length];
            stream.ReadExactly(buffer);
            return buffer;
        }
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
