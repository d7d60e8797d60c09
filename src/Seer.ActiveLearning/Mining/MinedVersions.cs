using Seer.ActiveLearning.PoolModels;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Versions;
using Seer.Formats.Handoff;
using Seer.Mining;
using Seer.Mining.Inputs;
using Seer.Mining.Pool;

namespace Seer.ActiveLearning.Mining;

/// <summary>
/// The one way a mining run is stored, for <c>seer mine</c>, the "mining" job and an iteration's mine step: a new
/// version of the mined dataset (default <c>POOL-mined</c>) holding exactly the picked pool images, in rank order,
/// unlabelled (optionally with the model's predictions as pre-annotations). Its parents are the pool version and
/// the mined dataset's previous head, so every earlier pick stays reachable and is excluded from the next run.
/// Committing the same picks again returns the existing version (a resumed job leaves nothing twice).
/// </summary>
public static class MinedVersions
{
    /// <summary>Content hashes of every image in every version of <paramref name="dataset"/> (earlier picks); empty when it does not exist.</summary>
    public static HashSet<string> AlreadyMined(Workspace workspace, string dataset)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        if (workspace.Metadata.FindHead(dataset) is null) return hashes;
        foreach (var v in workspace.Log(new DatasetRef(dataset, null)).Where(v => v.Dataset == dataset))
            foreach (var image in workspace.Metadata.ReadImages(v.Version)) hashes.Add(image.ContentHash);
        return hashes;
    }

    /// <summary>The label list of the mined version (the labelling task needs it): the pool's classes, else the model's.</summary>
    public static IReadOnlyList<string> LabelClasses(DatasetSnapshot pool, IReadOnlyList<string> modelClasses)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return pool.Classes.Count > 0 ? pool.Classes : modelClasses;
    }

    /// <summary>
    /// The picked images with the model's predictions (detections as objects; a classifier's best class as the
    /// predicted tag), keyed by content hash: pre-annotations for the labelling tool.
    /// </summary>
    public static Dictionary<string, ImageRecord> PreAnnotate(DatasetSnapshot pool, MiningResult result, OnnxPoolModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(model);
        var byHash = ByHash(pool);
        var records = result.Items.Select(i => byHash[i.ContentHash]).ToList();
        var outputs = new List<ModelOutput>();
        foreach (var chunk in records.Chunk(Math.Max(1, model.BatchSize)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var images = chunk.Select(r =>
            {
                using var s = pool.OpenImage(r);
                using var m = new MemoryStream();
                s.CopyTo(m);
                return new PoolImage(r.FileName, m.ToArray());
            }).ToList();
            outputs.AddRange(model.Predict(images, cancellationToken));
        }
        var map = new Dictionary<string, ImageRecord>(StringComparer.Ordinal);
        for (int i = 0; i < records.Count; i++)
        {
            var o = outputs[i];
            var record = records[i];
            if (o.ClassProbabilities is { } p)
            {
                int best = Array.IndexOf(p, p.Max());
                var attrs = new Dictionary<string, string>(record.Attributes);
                foreach (var (k, v) in PredictedTag.Attributes(model.ClassNames[best], p[best])) attrs[k] = v;
                map[record.ContentHash] = record with { Attributes = attrs };
            }
            else map[record.ContentHash] = record with { Objects = o.Detections.Select(model.ToObject).ToList() };
        }
        return map;
    }

    /// <summary>
    /// Commits the picks of <paramref name="result"/> as a version of <paramref name="dataset"/> (operation "mine",
    /// with <paramref name="parameters"/> recorded); an invalid_input error when nothing was picked.
    /// </summary>
    public static CommitResult Commit(Workspace workspace, DatasetSnapshot pool, string dataset, MiningResult result,
        object parameters, IReadOnlyList<string> classes, IReadOnlyDictionary<string, ImageRecord>? preAnnotated = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Items.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"nothing to mine in {pool}: every image is labelled, excluded or already picked", pool.ToString());
        var byHash = ByHash(pool);
        var images = result.Items.Select(item =>
        {
            var record = preAnnotated is not null && preAnnotated.TryGetValue(item.ContentHash, out var pre) ? pre : byHash[item.ContentHash];
            return record with { IsLabelled = false };
        }).ToList();
        var parents = new List<string> { pool.Version };
        if (workspace.Metadata.FindHead(dataset) is { } head && head != pool.Version) parents.Add(head);
        return workspace.CommitVersion(dataset, images, parents, "mine", parameters, classes);
    }

    private static Dictionary<string, ImageRecord> ByHash(DatasetSnapshot pool) =>
        pool.Images.GroupBy(i => i.ContentHash, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
}
