using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Versions;
using Seer.Mining;

namespace Seer.Cli.Commands.Mining;

/// <summary>
/// Stores a mining run: a new version of the mined dataset (default <c>POOL-mined</c>) holding exactly the picked
/// pool images, in rank order, unlabelled (optionally with the model's predictions as pre-annotations). Its parents
/// are the pool version and the mined dataset's previous head, so every earlier pick stays reachable and is excluded
/// from the next run.
/// </summary>
internal static class MinedVersionWriter
{
    /// <summary>Content hashes of every image in every version of <paramref name="dataset"/> (earlier picks); empty when it does not exist.</summary>
    public static HashSet<string> AlreadyMined(Workspace workspace, string dataset)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        if (workspace.Metadata.FindHead(dataset) is null) return hashes;
        foreach (var v in workspace.Log(new DatasetRef(dataset, null)).Where(v => v.Dataset == dataset))
            foreach (var image in workspace.Metadata.ReadImages(v.Version)) hashes.Add(image.ContentHash);
        return hashes;
    }

    public static CommitResult Commit(Workspace workspace, DatasetSnapshot pool, string dataset, MiningResult result,
        IReadOnlyDictionary<string, ImageRecord>? preAnnotated, object parameters)
    {
        if (result.Items.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"nothing to mine in {pool}: every image is labelled, excluded or already mined", pool.ToString());
        var byHash = pool.Images.GroupBy(i => i.ContentHash, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var images = result.Items.Select(item =>
        {
            var record = preAnnotated is not null && preAnnotated.TryGetValue(item.ContentHash, out var pre) ? pre : byHash[item.ContentHash];
            return record with { IsLabelled = false };
        }).ToList();
        var parents = new List<string> { pool.Version };
        if (workspace.Metadata.FindHead(dataset) is { } head && head != pool.Version) parents.Add(head);
        return workspace.CommitVersion(dataset, images, parents, "mine", parameters, pool.Classes);
    }
}
