using System.Collections.Concurrent;
using System.Security.Cryptography;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Data.Versions;
using Seer.Imaging.Preprocess;
using Seer.Imaging.Synthesis;

namespace Seer.Data.Synthesis;

/// <summary>
/// <c>seer dataset synth</c>: a detection dataset version made of real pieces. Items are the images of a
/// classification version (e.g. Fashion-MNIST imported with the IDX importer) whose single tag is one of the chosen
/// classes; <see cref="CompositeSynthesizer"/> pastes them at random scales and positions onto random crops of real
/// photos (the item's dark background is transparent), and each object's box is the exact extent of its pasted
/// pixels. The version's parent is the items version; its parameters record the items version, every background
/// photo (name and SHA-256) and every setting, so the same command reproduces the same bytes. Items of one version
/// only: synthesise train, val and test from disjoint item versions (e.g. the parts of <c>seer dataset split</c>)
/// so no item appears in two splits.
/// </summary>
public sealed class DatasetSynthesis
{
    private static readonly string[] PhotoExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    private readonly Workspace _workspace;

    public DatasetSynthesis(Workspace workspace) => _workspace = workspace;

    public Task<CommitResult> RunAsync(SynthesisRequest request, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Workspace.ValidateDatasetName(request.Dataset);
        Validate(request);
        return Task.Run(() => Run(request, progress, cancellationToken), cancellationToken);
    }

    /// <summary>Checks a request's options (count, sizes, objects, overlap, encoding) before any work; throws naming the option.</summary>
    public static void Validate(SynthesisRequest r)
    {
        var o = r.Composite;
        string? problem =
            r.Count < 1 ? $"--count must be at least 1 (was {r.Count})" :
            o.Width < 32 || o.Height < 32 || o.Width > 4096 || o.Height > 4096 ? $"--size must be between 32x32 and 4096x4096 (was {o.Width}x{o.Height})" :
            o.MinSize < 8 || o.MaxSize < o.MinSize ? $"object sizes need 8 <= --min-size <= --max-size (were {o.MinSize} and {o.MaxSize})" :
            o.MaxSize >= Math.Min(o.Width, o.Height) ? $"--max-size {o.MaxSize} must be below the image's shorter side ({Math.Min(o.Width, o.Height)})" :
            o.MinObjects < 0 || o.MaxObjects < Math.Max(1, o.MinObjects) ? $"objects per image need 0 <= --min-objects <= --max-objects, --max-objects >= 1 (were {o.MinObjects} and {o.MaxObjects})" :
            o.MaxOverlap is < 0 or > 1 ? $"--max-overlap must be an IoU in 0..1 (was {o.MaxOverlap})" :
            o.Encoding is not (".png" or ".jpg") ? $"--encoding must be png or jpg (was '{o.Encoding.TrimStart('.')}')" :
            null;
        if (problem is not null) throw new SeerException(ErrorCodes.InvalidOptions, problem);
    }

    private CommitResult Run(SynthesisRequest request, IProgress<WorkProgress>? progress, CancellationToken ct)
    {
        var backgrounds = LoadBackgrounds(request.BackgroundsFolder, ct);
        var snapshot = _workspace.OpenSnapshot(request.Items);
        var classes = ChooseClasses(snapshot, request.Classes);
        var items = LoadItems(snapshot, classes, ct);
        progress?.Report(new WorkProgress("synthesise", 0, request.Count));

        using var batch = _workspace.BeginBlobBatch();
        var records = new ImageRecord[request.Count];
        long done = 0;
        var photos = backgrounds.Select(b => b.Image).ToList();
        Parallel.For(0, request.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Parallelism), CancellationToken = ct }, i =>
        {
            var item = CompositeSynthesizer.Compose(photos, items, i, request.Composite, request.Dataset);
            using var stream = item.Open();
            var bytes = ((MemoryStream)stream).ToArray();
            var put = batch.Add(bytes);
            records[i] = new ImageRecord(put.Sha256, item.FileName, request.Composite.Width, request.Composite.Height)
            {
                IsLabelled = true,
                Objects = item.Objects,
            };
            long n = Interlocked.Increment(ref done);
            if (n % 50 == 0 || n == request.Count) progress?.Report(new WorkProgress("synthesise", n, request.Count));
        });
        batch.Commit();

        var o = request.Composite;
        var parameters = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["items"] = snapshot.ToString(),
            ["item_images"] = items.Count,
            ["classes"] = classes,
            ["backgrounds"] = backgrounds.Select(b => new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["file"] = b.Name, ["sha256"] = b.Sha256,
            }).ToList(),
            ["count"] = request.Count,
            ["width"] = o.Width,
            ["height"] = o.Height,
            ["min_size"] = o.MinSize,
            ["max_size"] = o.MaxSize,
            ["min_objects"] = o.MinObjects,
            ["max_objects"] = o.MaxObjects,
            ["max_overlap"] = o.MaxOverlap,
            ["encoding"] = o.Encoding.TrimStart('.'),
            ["seed"] = o.Seed,
        };
        return _workspace.CommitVersion(request.Dataset, records, [snapshot.Version], "synth", parameters, classes);
    }

    private static List<string> ChooseClasses(DatasetSnapshot snapshot, IReadOnlyList<string>? wanted)
    {
        if (wanted is null || wanted.Count == 0)
        {
            if (snapshot.Classes.Count == 0)
                throw new SeerException(ErrorCodes.InvalidInput, $"items version {snapshot} declares no classes; label it first", snapshot.ToString());
            return snapshot.Classes.ToList();
        }
        foreach (var c in wanted)
            if (!snapshot.Classes.Contains(c, StringComparer.Ordinal))
                throw new SeerException(ErrorCodes.NotFound,
                    $"class '{c}' is not a class of items version {snapshot}; its classes: {string.Join(", ", snapshot.Classes)}", snapshot.ToString());
        return wanted.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every labelled image whose one tag is a chosen class, as a grey item (brightness = opacity).</summary>
    private static List<SynthesisItem> LoadItems(DatasetSnapshot snapshot, List<string> classes, CancellationToken ct)
    {
        var chosen = new HashSet<string>(classes, StringComparer.Ordinal);
        var candidates = snapshot.Images.Where(i => i.IsLabelled && i.Tags.Count == 1 && chosen.Contains(i.Tags[0])).ToList();
        var items = new SynthesisItem[candidates.Count];
        Parallel.For(0, candidates.Count, new ParallelOptions { CancellationToken = ct }, k =>
        {
            var record = candidates[k];
            RgbImage rgb;
            using (var stream = snapshot.OpenImage(record)) rgb = ImageDecoder.DecodeRgb(stream, $"{snapshot}:{record.FileName}");
            var grey = new byte[rgb.Width * rgb.Height];
            for (int p = 0; p < grey.Length; p++)
                grey[p] = (byte)((rgb.Pixels[3 * p] * 299 + rgb.Pixels[3 * p + 1] * 587 + rgb.Pixels[3 * p + 2] * 114 + 500) / 1000);
            items[k] = new SynthesisItem(record.Tags[0], rgb.Width, rgb.Height, grey);
        });
        var missing = classes.Where(c => !items.Any(i => i.Label == c)).ToList();
        if (missing.Count > 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"items version {snapshot} has no labelled image tagged only with {string.Join(", ", missing.Select(m => $"'{m}'"))}", snapshot.ToString());
        return items.ToList();
    }

    private static List<(string Name, string Sha256, RgbImage Image)> LoadBackgrounds(string folder, CancellationToken ct)
    {
        if (!Directory.Exists(folder))
            throw new SeerException(ErrorCodes.NotFound, $"backgrounds folder '{folder}' does not exist", folder);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => PhotoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => Path.GetRelativePath(folder, f), StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"backgrounds folder '{folder}' holds no photos ({string.Join(", ", PhotoExtensions)})", folder);
        var result = new ConcurrentBag<(int, string, string, RgbImage)>();
        Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = ct }, k =>
        {
            byte[] bytes = File.ReadAllBytes(files[k]);
            string name = Path.GetRelativePath(folder, files[k]).Replace('\\', '/');
            RgbImage image = ImageDecoder.DecodeRgb(bytes, files[k]);
            if (image.Width < 16 || image.Height < 16)
                throw new SeerException(ErrorCodes.InvalidInput, $"background '{files[k]}' is too small ({image.Width}x{image.Height}); use photos of at least 16x16", files[k]);
            result.Add((k, name, Convert.ToHexStringLower(SHA256.HashData(bytes)), image));
        });
        return result.OrderBy(r => r.Item1).Select(r => (r.Item2, r.Item3, r.Item4)).ToList();
    }
}
