using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Data.Metadata;
using Seer.Data.Versions;

namespace Seer.Data.Operations;

/// <summary>
/// The operations that make a new immutable version from existing ones: merge, filter (by labels, state, or
/// excluding another version's images), relabel, sample, split and dedup. Each records its parents, its name and its
/// parameters; the output goes to <c>target</c> (default: the source's dataset, as its new head).
/// </summary>
public sealed partial class DatasetOperations
{
    private readonly Workspace _workspace;

    public DatasetOperations(Workspace workspace) => _workspace = workspace;

    /// <summary>Merges versions into one; the same image in two sources is one image, label conflicts per strategy.</summary>
    public OperationResult Merge(IReadOnlyList<DatasetRef> sources, string? target, MergeConflictStrategy strategy)
    {
        if (sources.Count < 2) throw new SeerException(ErrorCodes.InvalidInput, "merge needs at least two dataset versions");
        var snapshots = sources.Select(_workspace.OpenSnapshot).ToList();
        var result = new List<ImageRecord>();
        var byHash = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var notes = new List<ItemIssue>();
        var removed = new List<ItemIssue>();
        var conflicts = new List<string>();
        foreach (var snap in snapshots)
        {
            foreach (var image in snap.Images)
            {
                if (byHash.TryGetValue(image.ContentHash, out int at))
                {
                    var kept = result[at];
                    if (SameAnnotations(kept, image)) continue;
                    if (!image.IsLabelled) continue;
                    if (!kept.IsLabelled)
                    {
                        result[at] = image with { FileName = kept.FileName };
                        continue;
                    }
                    switch (strategy)
                    {
                        case MergeConflictStrategy.Fail:
                            conflicts.Add($"{kept.FileName} vs {snap}:{image.FileName}");
                            break;
                        case MergeConflictStrategy.First:
                            removed.Add(new ItemIssue($"{snap}:{image.FileName}", $"label conflict with {kept.FileName}: kept the first source's labels"));
                            break;
                        case MergeConflictStrategy.Last:
                            removed.Add(new ItemIssue(kept.FileName, $"label conflict with {snap}:{image.FileName}: kept the last source's labels"));
                            result[at] = image with { FileName = kept.FileName };
                            break;
                        case MergeConflictStrategy.Union:
                            result[at] = kept with
                            {
                                Tags = Workspace.Distinct(kept.Tags.Concat(image.Tags)).ToList(),
                                Objects = kept.Objects.Concat(image.Objects.Where(o => !kept.Objects.Any(k => SameObject(k, o)))).ToList(),
                            };
                            notes.Add(new ItemIssue(kept.FileName, $"label conflict with {snap}:{image.FileName}: labels united"));
                            break;
                    }
                    continue;
                }
                var add = image;
                if (!names.Add(add.FileName))
                {
                    string renamed = RenameWithHash(add.FileName, add.ContentHash);
                    notes.Add(new ItemIssue($"{snap}:{add.FileName}", $"another image has this name; renamed to {renamed}"));
                    add = add with { FileName = renamed };
                    names.Add(renamed);
                }
                byHash[add.ContentHash] = result.Count;
                result.Add(add);
            }
        }
        if (conflicts.Count > 0)
            throw new SeerException(ErrorCodes.Conflict,
                $"{conflicts.Count} images are labelled differently in the sources: {string.Join("; ", conflicts.Take(10))}" +
                (conflicts.Count > 10 ? "; ..." : "") + ". Choose --on-conflict first, last or union");
        var classes = Workspace.Distinct(snapshots.SelectMany(s => s.Classes)).ToList();
        var parameters = new { sources = snapshots.Select(s => s.ToString()).ToList(), on_conflict = strategy.ToString().ToLowerInvariant() };
        var commit = _workspace.CommitCore(target ?? sources[0].Name, result, snapshots.Select(s => s.Version).ToList(), "merge",
            parameters, classes, [], new Dictionary<string, string>());
        return new OperationResult([commit], removed, notes);
    }

    /// <summary>
    /// Keeps images that carry at least one of <paramref name="labels"/> (and only those labels' objects and tags),
    /// that are in the given state, and whose content is in none of <paramref name="exclude"/>'s versions.
    /// </summary>
    public OperationResult Filter(DatasetRef source, IReadOnlyList<string>? labels, LabelledState state,
        IReadOnlyList<DatasetRef>? exclude, string? target)
    {
        var snap = _workspace.OpenSnapshot(source);
        var space = _workspace.Labels;
        List<string>? wanted = labels is { Count: > 0 }
            ? labels.Select(l => space.Resolve(l) ?? throw new SeerException(ErrorCodes.NotFound,
                $"label '{l}' is not in the workspace's label space; known: {string.Join(", ", space.Labels)}")).Distinct().ToList()
            : null;
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        var excludedSnaps = (exclude ?? []).Select(_workspace.OpenSnapshot).ToList();
        foreach (var e in excludedSnaps)
            foreach (var i in e.Images) excluded.Add(i.ContentHash);
        var removed = new List<ItemIssue>();
        var kept = new List<ImageRecord>();
        foreach (var image in snap.Images)
        {
            if (excluded.Contains(image.ContentHash))
            {
                removed.Add(new ItemIssue(image.FileName, "in an excluded version"));
                continue;
            }
            if (state == LabelledState.Labelled && !image.IsLabelled) continue;
            if (state == LabelledState.Unlabelled && image.IsLabelled) continue;
            if (wanted is not null)
            {
                var objects = image.Objects.Where(o => wanted.Contains(o.Label)).ToList();
                var tags = image.Tags.Where(wanted.Contains).ToList();
                if (objects.Count == 0 && tags.Count == 0) continue;
                kept.Add(image with { Objects = objects, Tags = tags });
            }
            else kept.Add(image);
        }
        var parameters = new
        {
            labels = wanted,
            state = state.ToString().ToLowerInvariant(),
            exclude = excludedSnaps.Select(e => e.ToString()).ToList(),
        };
        var parents = new[] { snap.Version }.Concat(excludedSnaps.Select(e => e.Version)).Distinct().ToList();
        var commit = _workspace.CommitCore(target ?? snap.Name, kept, parents, "filter", parameters,
            wanted ?? snap.Classes.ToList(), [], new Dictionary<string, string>());
        return new OperationResult([commit], removed, []);
    }

    /// <summary>Renames labels (old → new) in a new version and records each as an alias in the label space.</summary>
    public OperationResult Relabel(DatasetRef source, IReadOnlyDictionary<string, string> map, string? target)
    {
        if (map.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, "relabel needs at least one --map OLD=NEW");
        var snap = _workspace.OpenSnapshot(source);
        var space = _workspace.Labels;
        var newLabels = new List<string>();
        string Canon(string label)
        {
            if (!map.TryGetValue(label, out var to)) return label;
            Workspace.ValidateLabel(to);
            string? c = space.Resolve(to);
            if (c is null && !newLabels.Contains(to)) newLabels.Add(to);
            return c ?? to;
        }
        var images = snap.Images.Select(i => Workspace.Canonicalise(i, Canon)).ToList();
        var classes = Workspace.Distinct(snap.Classes.Select(Canon)).ToList();
        var aliases = map.Where(kv => kv.Key != kv.Value).ToDictionary(kv => kv.Key, kv => Canon(kv.Key), StringComparer.Ordinal);
        var commit = _workspace.CommitCore(target ?? snap.Name, images, [snap.Version], "relabel",
            new { map = new SortedDictionary<string, string>(map.ToDictionary(), StringComparer.Ordinal) }, classes, newLabels, aliases);
        return new OperationResult([commit], [], []);
    }

    internal static bool SameAnnotations(ImageRecord a, ImageRecord b) =>
        a.IsLabelled == b.IsLabelled && ImageJson.WriteAnnotations(a) == ImageJson.WriteAnnotations(b);

    private static bool SameObject(ObjectAnnotation a, ObjectAnnotation b) => a.Label == b.Label && a.Box == b.Box;

    private static string RenameWithHash(string fileName, string hash)
    {
        string ext = Path.GetExtension(fileName);
        return fileName[..^ext.Length] + "~" + hash[..8] + ext;
    }
}
