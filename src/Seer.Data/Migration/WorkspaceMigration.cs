using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Core.Storage;
using Seer.Data.Metadata;

namespace Seer.Data.Migration;

/// <summary>What <see cref="WorkspaceMigration.RunAsync"/> did: totals of the source and what this run copied.</summary>
public sealed record MigrationReport(
    string WorkspaceId,
    int Datasets,
    int Versions,
    int VersionsCopied,
    int Blobs,
    int BlobsCopied,
    long BytesCopied,
    bool BlobsMigrated);

/// <summary>
/// Copies a workspace's metadata into another metadata store (SQLite → PostgreSQL) and, when a target blob store is
/// given, every blob the versions refer to into it. Blobs go first, each written through the target's put (which
/// names it by the SHA-256 of the bytes it stored) and checked against the hash the metadata holds; then each
/// version in commit order as one transaction (its rows, the label space, its head); then the heads and update
/// times of every dataset and the perceptual-hash cache. Every step skips what the target already has, so a run
/// that was cut off resumes where it stopped and a second run copies nothing. The target must be empty or hold an
/// earlier copy of this same workspace (same identity, no version the source lacks); anything else is refused
/// before anything is written.
/// </summary>
public static class WorkspaceMigration
{
    /// <summary>Blob copies in flight at once (S3 round trips dominate; the file store does not mind).</summary>
    public const int BlobParallelism = 8;

    public static async Task<MigrationReport> RunAsync(Workspace source, IMetadataStore target, IBlobStore? targetBlobs,
        string targetName, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var from = source.Metadata;
        string id = from.WorkspaceId;
        var versionIds = from.ListVersionIds();
        var sourceSet = versionIds.ToHashSet(StringComparer.Ordinal);
        var present = target.ListVersionIds().ToHashSet(StringComparer.Ordinal);
        string targetId = target.WorkspaceId;
        if (targetId != id)
        {
            if (present.Count > 0 || target.ListDatasets().Count > 0)
                throw new SeerException(ErrorCodes.Conflict,
                    $"{targetName} holds another workspace ({target.ListDatasets().Count} dataset(s), workspace id {targetId}, not {id}); " +
                    "migrate into an empty database", targetName);
        }
        var foreign = present.Where(v => !sourceSet.Contains(v)).ToList();
        if (foreign.Count > 0)
            throw new SeerException(ErrorCodes.Conflict,
                $"{targetName} holds {foreign.Count} version(s) this workspace does not have (e.g. {foreign[0][..10]}): it was used after an " +
                "earlier migration; nothing was copied", targetName);
        if (targetId != id) target.AdoptWorkspaceId(id);

        // Every image of every version, read once; the distinct blobs in first-seen order.
        var images = versionIds.ToDictionary(v => v, from.ReadImages, StringComparer.Ordinal);
        var hashes = images.Values.SelectMany(list => list.Select(i => i.ContentHash)).Distinct(StringComparer.Ordinal).ToList();

        int blobsCopied = 0;
        long bytesCopied = 0;
        if (targetBlobs is not null)
        {
            long done = 0;
            progress?.Report(new WorkProgress("blobs", 0, hashes.Count, "blobs"));
            await Parallel.ForEachAsync(hashes,
                new ParallelOptions { MaxDegreeOfParallelism = BlobParallelism, CancellationToken = cancellationToken },
                async (hash, ct) =>
                {
                    if (!targetBlobs.Exists(hash))
                    {
                        long length = await CopyBlobAsync(source.Blobs, targetBlobs, hash, ct).ConfigureAwait(false);
                        Interlocked.Increment(ref blobsCopied);
                        Interlocked.Add(ref bytesCopied, length);
                    }
                    progress?.Report(new WorkProgress("blobs", Interlocked.Increment(ref done), hashes.Count, "blobs"));
                }).ConfigureAwait(false);
        }

        var labels = from.ReadLabelSpace();
        var aliases = labels.Aliases.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        int copied = 0;
        for (int i = 0; i < versionIds.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string v = versionIds[i];
            if (!present.Contains(v))
            {
                var info = from.GetVersion(v)!;
                target.Commit(new VersionCommit(info.Dataset, v, from.GetContentDigest(v)!, info.Parents, info.Operation,
                    info.ParametersJson, from.ReadClasses(v), images[v], labels.Labels, aliases, info.CreatedAt));
                copied++;
            }
            progress?.Report(new WorkProgress("versions", i + 1, versionIds.Count, "versions"));
        }

        // Heads and update times as the source has them (the loop above left each head at its dataset's last
        // version); the label space rides along with the first head that moves, or alone when it differs.
        bool labelsDiffer = !SameLabels(labels, target.ReadLabelSpace());
        var targetDatasets = target.ListDatasets().ToDictionary(d => d.Name, StringComparer.Ordinal);
        var datasets = from.ListDatasets();
        foreach (var d in datasets)
        {
            bool same = targetDatasets.TryGetValue(d.Name, out var t) && t.Head == d.Head
                        && Math.Abs((t.UpdatedAt - d.UpdatedAt).Ticks) < TimeSpan.TicksPerMillisecond / 1000;
            if (same && !labelsDiffer) continue;
            var info = from.GetVersion(d.Head)!;
            target.Commit(new VersionCommit(d.Name, d.Head, from.GetContentDigest(d.Head)!, info.Parents, info.Operation,
                info.ParametersJson, from.ReadClasses(d.Head), images[d.Head], labels.Labels, aliases, d.UpdatedAt));
            labelsDiffer = false;
        }

        var phashes = from.ReadPerceptualHashes(hashes);
        var known = target.ReadPerceptualHashes(phashes.Keys.ToList());
        var missing = phashes.Where(p => !known.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (missing.Count > 0) target.SavePerceptualHashes(missing);

        return new MigrationReport(id, datasets.Count, versionIds.Count, copied, hashes.Count, blobsCopied, bytesCopied, targetBlobs is not null);
    }

    /// <summary>Copies one blob; the target names what it stored by its SHA-256, which must be the hash asked for.</summary>
    private static async Task<long> CopyBlobAsync(IBlobReader from, IBlobStore to, string hash, CancellationToken ct)
    {
        var stream = from.OpenRead(hash); // a missing blob is a not_found error naming it
        BlobPut put;
        await using (stream.ConfigureAwait(false))
            put = await to.PutAsync(stream, ct).ConfigureAwait(false);
        if (!string.Equals(put.Sha256, hash, StringComparison.Ordinal))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"blob {hash} is damaged in the source: its bytes hash to {put.Sha256}; restore it from a backup, then run the migration again", hash);
        return put.Length;
    }

    private static bool SameLabels(Labels.LabelSpace a, Labels.LabelSpace b) =>
        a.Labels.SequenceEqual(b.Labels, StringComparer.Ordinal)
        && a.Aliases.Count == b.Aliases.Count
        && a.Aliases.All(p => b.Aliases.TryGetValue(p.Key, out var v) && v == p.Value);
}
