using System.Text.Json;
using Seer.Core.Datasets;
using Seer.Core.Errors;

namespace Seer.Data.Operations;

/// <summary>One cluster of a version: its tag, its members (image indices in the version) and its cohesion when known.</summary>
/// <param name="Cohesion">mean cosine similarity of the members to their centre, as <c>seer cluster</c> measured it;
/// null for a cluster a review changed (merged into, split) — re-cluster to measure it again</param>
public sealed record ClusterSummary(string Cluster, IReadOnlyList<int> Members, double? Cohesion)
{
    public int Size => Members.Count;
}

/// <summary>Cluster review (the seed-000 loop): list, merge, split and drop the <c>cluster-NNNN</c> clusters of a version.
/// Each change commits a new version with the source as its parent; the cohesion of untouched clusters is carried forward.</summary>
public sealed partial class DatasetOperations
{
    /// <summary>The clusters of a version (images whose tags include a <c>cluster-NNNN</c>), largest first.</summary>
    public IReadOnlyList<ClusterSummary> Clusters(DatasetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Summaries(snapshot, CohesionOf(snapshot.Version));
    }

    /// <summary>Moves every member of the other <paramref name="clusters"/> into the first one.</summary>
    public OperationResult MergeClusters(DatasetRef source, IReadOnlyList<string> clusters, string? target)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var names = clusters.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count < 2) throw new SeerException(ErrorCodes.InvalidInput, "merge needs at least two different clusters", "clusters");
        var snap = _workspace.OpenSnapshot(source);
        var cohesion = CohesionOf(snap.Version);
        var existing = Summaries(snap, cohesion);
        foreach (var n in names) Find(snap, existing, n);
        string into = names[0];
        var from = names.Skip(1).ToHashSet(StringComparer.Ordinal);
        var images = snap.Images.Select(i => i with { Tags = i.Tags.Select(t => from.Contains(t) ? into : t).Distinct(StringComparer.Ordinal).ToList() }).ToList();
        foreach (var n in names) cohesion.Remove(n);
        return Commit(snap, target, images, snap.Classes.Where(c => !from.Contains(c)).ToList(), "merge-clusters",
            new Dictionary<string, object?> { ["clusters"] = names, ["into"] = into }, cohesion);
    }

    /// <summary>
    /// Moves the members at <paramref name="indices"/> (image indices in the version, each a member of
    /// <paramref name="cluster"/>) out: into a new cluster (the next free number), or, with
    /// <paramref name="toUnlabelled"/>, out of every cluster (unlabelled). Returns the new cluster's name (null when
    /// the images went to unlabelled).
    /// </summary>
    public (OperationResult Result, string? NewCluster) SplitCluster(DatasetRef source, string cluster, IReadOnlyList<int> indices, bool toUnlabelled, string? target)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, "split needs at least one image index", "indices");
        var snap = _workspace.OpenSnapshot(source);
        var cohesion = CohesionOf(snap.Version);
        var summary = Find(snap, Summaries(snap, cohesion), cluster);
        var members = summary.Members.ToHashSet();
        var moving = indices.Distinct().ToHashSet();
        foreach (int i in moving)
            if (!members.Contains(i))
                throw new SeerException(ErrorCodes.InvalidInput, $"image {i} of {snap} is not a member of {cluster}", "indices");
        if (!toUnlabelled && moving.Count == members.Count)
            throw new SeerException(ErrorCodes.InvalidInput, $"moving all {members.Count} members of {cluster} to a new cluster changes nothing; select some", "indices");
        string? created = toUnlabelled ? null : NextCluster(snap);
        var images = snap.Images.Select((image, i) => !moving.Contains(i) ? image
            : created is null ? Unclustered(image, cluster)
            : image with { Tags = image.Tags.Select(t => t == cluster ? created : t).ToList() }).ToList();
        var classes = snap.Classes.ToList();
        if (created is not null) classes.Add(created);
        cohesion.Remove(cluster);
        var parameters = new Dictionary<string, object?> { ["cluster"] = cluster, ["count"] = moving.Count, ["to"] = created ?? "unlabelled" };
        return (Commit(snap, target, images, classes, "split-cluster", parameters, cohesion), created);
    }

    /// <summary>Takes every member out of <paramref name="cluster"/>: they stay in the version, unlabelled.</summary>
    public OperationResult DropCluster(DatasetRef source, string cluster, string? target)
    {
        var snap = _workspace.OpenSnapshot(source);
        var cohesion = CohesionOf(snap.Version);
        var members = Find(snap, Summaries(snap, cohesion), cluster).Members.ToHashSet();
        var images = snap.Images.Select((image, i) => members.Contains(i) ? Unclustered(image, cluster) : image).ToList();
        cohesion.Remove(cluster);
        return Commit(snap, target, images, snap.Classes.Where(c => c != cluster).ToList(), "drop-cluster",
            new Dictionary<string, object?> { ["cluster"] = cluster, ["count"] = members.Count }, cohesion);
    }

    private OperationResult Commit(DatasetSnapshot snap, string? target, List<ImageRecord> images, List<string> classes, string operation,
        Dictionary<string, object?> parameters, Dictionary<string, double> cohesion)
    {
        parameters[ClusterNames.CohesionParameter] = new SortedDictionary<string, double>(cohesion, StringComparer.Ordinal);
        var commit = _workspace.CommitVersion(target ?? snap.Name, images, [snap.Version], operation, parameters, classes);
        return new OperationResult([commit], [], []);
    }

    private static ImageRecord Unclustered(ImageRecord image, string cluster)
    {
        var tags = image.Tags.Where(t => t != cluster).ToList();
        return image with { Tags = tags, IsLabelled = tags.Count > 0 || image.Objects.Count > 0 };
    }

    private static List<ClusterSummary> Summaries(DatasetSnapshot snap, Dictionary<string, double> cohesion)
    {
        var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < snap.Images.Count; i++)
            foreach (string tag in snap.Images[i].Tags)
                if (ClusterNames.TryParse(tag, out _))
                {
                    if (!members.TryGetValue(tag, out var list)) members[tag] = list = [];
                    list.Add(i);
                }
        return members.Select(kv => new ClusterSummary(kv.Key, kv.Value, cohesion.TryGetValue(kv.Key, out double c) ? c : null))
            .OrderByDescending(c => c.Size).ThenBy(c => c.Cluster, StringComparer.Ordinal).ToList();
    }

    private static ClusterSummary Find(DatasetSnapshot snap, List<ClusterSummary> clusters, string cluster) =>
        clusters.FirstOrDefault(c => c.Cluster == cluster) ?? throw new SeerException(ErrorCodes.NotFound,
            clusters.Count == 0
                ? $"{snap} has no clusters (no image carries a cluster-NNNN tag; run seer cluster first)"
                : $"cluster '{cluster}' is not in {snap}; it has {clusters.Count} clusters ({string.Join(", ", clusters.Take(5).Select(c => c.Cluster))}{(clusters.Count > 5 ? ", …" : "")})",
            cluster);

    /// <summary>The next cluster number after every one the version's classes, its images and the workspace's label space hold.</summary>
    private string NextCluster(DatasetSnapshot snap)
    {
        int max = 0;
        // The label space too: a number a merge or drop retired stays retired (it may name another group in another version).
        foreach (string name in snap.Classes.Concat(snap.Images.SelectMany(i => i.Tags)).Concat(_workspace.Labels.Labels))
            if (ClusterNames.TryParse(name, out int n)) max = Math.Max(max, n);
        return ClusterNames.Name(max + 1);
    }

    /// <summary>The cohesion the version recorded (by <c>seer cluster</c> or a review operation); empty when none.</summary>
    private Dictionary<string, double> CohesionOf(string version)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        string? json = _workspace.Metadata.GetVersion(version)?.ParametersJson;
        if (string.IsNullOrEmpty(json)) return result;
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty(ClusterNames.CohesionParameter, out var c) && c.ValueKind == JsonValueKind.Object)
            foreach (var p in c.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Number) result[p.Name] = p.Value.GetDouble();
        return result;
    }
}
