using Seer.Core.Errors;

namespace Seer.Search;

/// <summary>
/// Fills a feature group from a stream of items (e.g. a model's features of a dataset version's images, one item per
/// image): creates the group on first use with the first vector's dimension, refuses vectors of another dimension,
/// and writes in batches of <see cref="WriteBatch"/>. <c>seer search index</c> calls it; a host can call the same.
/// </summary>
public static class FeatureIndexing
{
    public const int WriteBatch = 512;

    /// <summary>Upserts every item into group <paramref name="name"/> (created with <paramref name="options"/> when new); the number written.</summary>
    public static int Upsert(SearchWorkspace search, string name, FeatureGroupOptions options, IEnumerable<FeatureItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(items);
        FeatureGroup? group = null;
        var pending = new List<FeatureItem>(WriteBatch);
        int done = 0;
        try
        {
            foreach (var item in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                group ??= search.Exists(name) ? search.Open(name) : search.Create(name, options with { Dimension = item.Vector.Length });
                if (item.Vector.Length != group.Dimension)
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"item '{item.Id}' has a {item.Vector.Length}-d vector but feature group '{name}' holds {group.Dimension}-d vectors; fill another group", name);
                pending.Add(item);
                done++;
                if (pending.Count == WriteBatch)
                {
                    group.Upsert(pending);
                    pending.Clear();
                }
            }
            if (pending.Count > 0) group!.Upsert(pending);
            return done;
        }
        finally
        {
            group?.Dispose();
        }
    }
}
