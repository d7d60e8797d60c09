using Seer.Core.Datasets;
using Seer.Core.Progress;
using Seer.Imaging;
using Seer.Mining.Inputs;

namespace Seer.Mining.Pool;

/// <summary>
/// Mines a dataset version: streams its unlabelled images in batches through a model (and, for the consistency
/// strategy, their mirrored copies), computes each image's perceptual hash for the near-duplicate check, and feeds
/// the candidates to <see cref="Miner"/>. Labelled images of the pool count as already labelled and are never picked.
/// </summary>
public static class PoolMiner
{
    public static Task<MiningResult> MineAsync(DatasetSnapshot pool, IPoolModel model, MiningOptions options,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var exclude = new HashSet<string>(options.Exclude, StringComparer.Ordinal);
        foreach (var image in pool.Images.Where(i => i.IsLabelled)) exclude.Add(image.ContentHash);
        var effective = options with { Exclude = exclude };
        int skipped = pool.Images.Count(i => exclude.Contains(i.ContentHash));
        return Task.Run(() =>
        {
            var result = Miner.Mine(Candidates(pool, model, effective, progress, cancellationToken), effective);
            // Excluded images are never run through the model; count them here.
            return result with { Considered = result.Considered + skipped, Excluded = result.Excluded + skipped };
        }, cancellationToken);
    }

    /// <summary>The pool's images as mining candidates, computed lazily batch by batch (excluded images are not run).</summary>
    public static IEnumerable<MiningCandidate> Candidates(DatasetSnapshot pool, IPoolModel model, MiningOptions options,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        bool flip = options.Strategy == MiningStrategy.Consistency;
        var todo = pool.Images.Where(i => !options.Exclude.Contains(i.ContentHash)).ToList();
        int batch = Math.Max(1, model.BatchSize);
        int done = 0;
        foreach (var chunk in todo.Chunk(batch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var images = chunk.Select(r => new PoolImage(r.FileName, Read(pool, r))).ToList();
            var outputs = model.Predict(images, cancellationToken);
            IReadOnlyList<ModelOutput>? flipped = flip
                ? model.Predict(images.Select(i => new PoolImage(i.Name, FlipView.FlipHorizontal(i))).ToList(), cancellationToken)
                : null;
            for (int i = 0; i < chunk.Length; i++)
            {
                var record = chunk[i];
                var candidate = new MiningCandidate(record.ContentHash, record.FileName, outputs[i])
                {
                    PerceptualHash = TryHash(images[i].Bytes),
                    Augmented = flipped is null ? [] : [new AugmentedView(FlipView.Kind, FlipView.MapBack(flipped[i], record.Width))],
                };
                yield return candidate;
            }
            done += chunk.Length;
            progress?.Report(new WorkProgress("mine", done, todo.Count));
        }
    }

    /// <summary>
    /// The model's feature vector of every image of <paramref name="labelled"/> (k-center's existing centres, so a
    /// core-set batch covers what the labelled set does not; see <see cref="MiningOptions.LabelledFeatures"/>).
    /// </summary>
    public static IReadOnlyList<float[]> Features(DatasetSnapshot labelled, IPoolModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        ArgumentNullException.ThrowIfNull(model);
        var features = new List<float[]>(labelled.Images.Count);
        foreach (var chunk in labelled.Images.Chunk(Math.Max(1, model.BatchSize)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outputs = model.Predict(chunk.Select(r => new PoolImage(r.FileName, Read(labelled, r))).ToList(), cancellationToken);
            foreach (var o in outputs)
                if (o.Features is { } f) features.Add(f);
        }
        return features;
    }

    private static byte[] Read(DatasetSnapshot pool, ImageRecord record)
    {
        using var stream = pool.OpenImage(record);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static ulong? TryHash(byte[] bytes)
    {
        try
        {
            return PerceptualHash.Compute(bytes);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
