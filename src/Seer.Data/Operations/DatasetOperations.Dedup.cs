using System.Collections.Concurrent;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Imaging;

namespace Seer.Data.Operations;

public sealed partial class DatasetOperations
{
    /// <summary>Removes images whose bytes (content hash) equal an earlier image's; a labelled copy is preferred.</summary>
    public OperationResult DedupExact(DatasetRef source, string? target)
    {
        var snap = _workspace.OpenSnapshot(source);
        var groups = snap.Images.Select((image, index) => (image, index)).GroupBy(x => x.image.ContentHash, StringComparer.Ordinal);
        var keep = new SortedSet<int>();
        var removed = new List<ItemIssue>();
        foreach (var g in groups)
        {
            var best = Best(g.ToList());
            keep.Add(best.index);
            foreach (var other in g.Where(x => x.index != best.index))
                removed.Add(new ItemIssue(other.image.FileName, $"same bytes as {best.image.FileName}" +
                    (SameAnnotations(other.image, best.image) ? "" : " (its labels differed; kept the other's)")));
        }
        var images = keep.Select(i => snap.Images[i]).ToList();
        var commit = _workspace.CommitCore(target ?? snap.Name, images, [snap.Version], "dedup", new { mode = "exact" },
            snap.Classes, [], new Dictionary<string, string>());
        return new OperationResult([commit], removed, []);
    }

    /// <summary>
    /// Removes near-duplicates: images whose perceptual hashes differ in at most <paramref name="threshold"/> bits are
    /// one cluster (transitively); each cluster keeps one image (labelled first, then most objects, then first).
    /// </summary>
    public OperationResult DedupNear(DatasetRef source, int threshold, string? target, CancellationToken cancellationToken = default)
    {
        if (threshold is < 0 or > 32) throw new SeerException(ErrorCodes.InvalidInput, $"--threshold must be 0..32 bits (was {threshold})");
        var snap = _workspace.OpenSnapshot(source);
        var hashes = PerceptualHashes(snap, cancellationToken);
        int n = snap.Images.Count;
        var group = NearDuplicateGroups(snap.Images.Select(i => hashes[i.ContentHash]).ToArray(), threshold);
        var keep = new SortedSet<int>();
        var removed = new List<ItemIssue>();
        foreach (var g in Enumerable.Range(0, n).GroupBy(i => group[i]))
        {
            var best = Best(g.Select(i => (snap.Images[i], i)).ToList());
            keep.Add(best.index);
            foreach (int i in g.Where(i => i != best.index))
            {
                int bits = PerceptualHash.Distance(hashes[snap.Images[i].ContentHash], hashes[best.image.ContentHash]);
                removed.Add(new ItemIssue(snap.Images[i].FileName, $"near duplicate of {best.image.FileName} (perceptual hash distance {bits})"));
            }
        }
        var images = keep.Select(i => snap.Images[i]).ToList();
        var commit = _workspace.CommitCore(target ?? snap.Name, images, [snap.Version], "dedup", new { mode = "near", threshold },
            snap.Classes, [], new Dictionary<string, string>());
        return new OperationResult([commit], removed, []);
    }

    /// <summary>
    /// Near-duplicate clusters: images whose hashes differ in at most <paramref name="threshold"/> bits are linked
    /// (pigeonhole candidate pairs, then exact distance) and linked images share a cluster (union-find). Returns each
    /// image's cluster id: the smallest index in its cluster.
    /// </summary>
    public static int[] NearDuplicateGroups(IReadOnlyList<ulong> hashes, int threshold)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (threshold is < 0 or > 32) throw new SeerException(ErrorCodes.InvalidInput, $"near-duplicate threshold must be 0..32 bits (was {threshold})");
        int n = hashes.Count;
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        foreach (var (a, b) in CandidatePairs(hashes.ToArray(), threshold))
        {
            if (PerceptualHash.Distance(hashes[a], hashes[b]) > threshold) continue;
            int ra = Find(a), rb = Find(b);
            if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        return Enumerable.Range(0, n).Select(Find).ToArray();
    }

    /// <summary>Perceptual hashes of a version's images, from the cache or computed (in parallel) and cached.</summary>
    public IReadOnlyDictionary<string, ulong> PerceptualHashes(DatasetSnapshot snap, CancellationToken cancellationToken = default)
    {
        var unique = snap.Images.Select(i => i.ContentHash).Distinct(StringComparer.Ordinal).ToList();
        var cached = _workspace.Metadata.ReadPerceptualHashes(unique);
        var fresh = new ConcurrentDictionary<string, ulong>(StringComparer.Ordinal);
        Parallel.ForEach(unique.Where(h => !cached.ContainsKey(h)),
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            hash =>
            {
                using var stream = snap.Blobs.OpenRead(hash);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                try
                {
                    fresh[hash] = PerceptualHash.Compute(copy.ToArray());
                }
                catch (InvalidDataException ex)
                {
                    var name = snap.Images.First(i => i.ContentHash == hash).FileName;
                    throw new SeerException(ErrorCodes.InvalidInput, $"{name}: {ex.Message}", name, ex);
                }
            });
        if (!fresh.IsEmpty) _workspace.Metadata.SavePerceptualHashes(fresh);
        var all = new Dictionary<string, ulong>(cached, StringComparer.Ordinal);
        foreach (var (k, v) in fresh) all[k] = v;
        return all;
    }

    /// <summary>
    /// Pairs (a &lt; b) that may be within <paramref name="threshold"/> bits. Pigeonhole: split the 64 bits into
    /// threshold + 1 blocks; two hashes within the threshold agree exactly on at least one block, so only images
    /// sharing a block value are compared (falls back to all pairs for large thresholds).
    /// </summary>
    internal static IEnumerable<(int A, int B)> CandidatePairs(ulong[] hashes, int threshold)
    {
        int n = hashes.Length;
        if (threshold >= 16 || n < 64)
        {
            for (int a = 0; a < n; a++)
                for (int b = a + 1; b < n; b++) yield return (a, b);
            yield break;
        }
        int blocks = threshold + 1;
        var seen = new HashSet<(int, int)>();
        for (int k = 0; k < blocks; k++)
        {
            int start = k * 64 / blocks, end = (k + 1) * 64 / blocks;
            ulong mask = (end - start == 64 ? ulong.MaxValue : ((1UL << (end - start)) - 1)) << start;
            var buckets = new Dictionary<ulong, List<int>>();
            for (int i = 0; i < n; i++)
            {
                ulong key = hashes[i] & mask;
                if (!buckets.TryGetValue(key, out var list)) buckets[key] = list = [];
                list.Add(i);
            }
            foreach (var list in buckets.Values)
                for (int x = 0; x < list.Count; x++)
                    for (int y = x + 1; y < list.Count; y++)
                        if (seen.Add((list[x], list[y]))) yield return (list[x], list[y]);
        }
    }

    private static (ImageRecord image, int index) Best(List<(ImageRecord image, int index)> group) =>
        group.OrderByDescending(x => x.image.IsLabelled).ThenByDescending(x => x.image.Objects.Count + x.image.Tags.Count)
            .ThenBy(x => x.index).First();
}
