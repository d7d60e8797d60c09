using Seer.Core.Errors;
using Seer.Mining.Inputs;
using Seer.Mining.Scoring;
using Seer.Mining.Selection;

namespace Seer.Mining;

/// <summary>
/// Ranks a stream of pool candidates and picks the top k. The stream is read once, in chunks of
/// <see cref="MiningOptions.ChunkSize"/>; between chunks only a bounded shortlist is kept (the best TopK × ShortlistFactor
/// by score, per quota class the best quota × ShortlistFactor, and for diversity a k-center core-set of the
/// shortlist size), so pools larger than memory mine in constant memory. Then: class quotas are filled first (best
/// candidates predicted as that class), then the rest by the strategy; excluded content hashes are never picked and
/// near-duplicates (<see cref="DuplicateGuard"/>) are never picked together.
/// </summary>
public static class Miner
{
    public static MiningResult Mine(IEnumerable<MiningCandidate> candidates, MiningOptions options)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var strategy = options.Strategy;
        bool byFeatures = strategy is MiningStrategy.Diversity or MiningStrategy.Combined;
        int shortlist = strategy == MiningStrategy.Combined
            ? options.TopK * Math.Max(options.CombinedPreselectFactor, 1)
            : options.TopK * options.ShortlistFactor;
        var main = new BoundedTopList<MiningCandidate>(shortlist);
        var perClass = options.ClassQuotas.Where(q => q.Value > 0)
            .ToDictionary(q => q.Key, q => new BoundedTopList<MiningCandidate>(q.Value * options.ShortlistFactor));
        var coreSet = new List<MiningCandidate>();
        int considered = 0, excluded = 0;

        foreach (var chunk in candidates.Chunk(options.ChunkSize))
        {
            foreach (var c in chunk)
            {
                considered++;
                if (options.Exclude.Contains(c.ContentHash)) { excluded++; continue; }
                if (byFeatures && c.Output.Features is null)
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"image '{c.FileName}' has no feature vector; the {MiningOptions.StrategyName(strategy)} strategy needs the model's features", c.FileName);
                double score = Score(c, options);
                if (strategy == MiningStrategy.Diversity) coreSet.Add(c);
                else main.Offer(c, score, c.ContentHash);
                if (perClass.Count > 0)
                    foreach (int cls in c.Output.PredictedClasses())
                        if (perClass.TryGetValue(cls, out var list)) list.Offer(c, score, c.ContentHash);
            }
            if (strategy == MiningStrategy.Diversity && coreSet.Count > shortlist)
                coreSet = ReduceCoreSet(coreSet, shortlist, options);
        }

        var picked = new List<(MiningCandidate C, double Score, string Reason)>();
        var guard = new DuplicateGuard(options.DuplicateHammingDistance, options.DuplicateFeatureDistance);
        var pickedHashes = new HashSet<string>(StringComparer.Ordinal);
        int duplicates = 0;
        bool TryPick(MiningCandidate c, double score, string reason)
        {
            if (pickedHashes.Contains(c.ContentHash) && picked.Any(p => ReferenceEquals(p.C, c))) return false;
            if (guard.IsDuplicate(c)) { duplicates++; return false; }
            guard.Add(c);
            pickedHashes.Add(c.ContentHash);
            picked.Add((c, score, reason));
            return true;
        }

        foreach (var (cls, quota) in options.ClassQuotas.Where(q => q.Value > 0).OrderBy(q => q.Key))
        {
            int have = picked.Count(p => p.C.Output.PredictedClasses().Contains(cls));
            foreach (var (c, score) in perClass[cls].Ranked())
            {
                if (have >= quota || picked.Count >= options.TopK) break;
                if (picked.Any(p => ReferenceEquals(p.C, c))) continue;
                if (TryPick(c, score, $"quota:{cls}")) have++;
            }
        }

        int remaining = options.TopK - picked.Count;
        if (remaining > 0)
        {
            if (byFeatures)
            {
                var pool = strategy == MiningStrategy.Diversity
                    ? coreSet.Select(c => (C: c, Score: 0.0)).ToList()
                    : main.Ranked().Select(e => (C: e.Item, e.Score)).ToList();
                pool = pool.Where(e => !picked.Any(p => ReferenceEquals(p.C, e.C))).ToList();
                var centres = options.LabelledFeatures.Concat(picked.Select(p => p.C.Output.Features!)).ToList();
                // The guard learns each pick as k-center makes it, so a near-duplicate of an earlier pick of this same
                // pass is skipped there and the greedy goes on to the next point: the budget is always filled.
                var order = KCenterGreedy.Select(pool.Select(e => e.C.Output.Features!).ToList(), remaining, centres,
                    i => AcceptForKCenter(guard, pool[i].C, ref duplicates), options.Seed);
                foreach (var (i, distance) in order)
                {
                    double score = strategy == MiningStrategy.Diversity ? Finite(distance) : pool[i].Score;
                    pickedHashes.Add(pool[i].C.ContentHash);
                    picked.Add((pool[i].C, score, "rank"));
                }
            }
            else
            {
                foreach (var (c, score) in main.Ranked())
                {
                    if (picked.Count >= options.TopK) break;
                    if (picked.Any(p => ReferenceEquals(p.C, c))) continue;
                    TryPick(c, score, "rank");
                }
            }
        }

        IEnumerable<(MiningCandidate C, double Score, string Reason)> ordered = byFeatures
            ? picked
            : picked.OrderByDescending(p => p.Score).ThenBy(p => p.C.ContentHash, StringComparer.Ordinal);
        var items = ordered.Select((p, i) => new MinedImage(i + 1, p.C.ContentHash, p.C.FileName, p.Score,
            p.C.Output.PredictedClasses().ToList(), p.Reason)).ToList();
        return new MiningResult(strategy, items, considered, excluded, duplicates);
    }

    /// <summary>The strategy's score of one candidate (higher = more worth labelling). Diversity has no per-image score (0).</summary>
    public static double Score(MiningCandidate c, MiningOptions options) => options.Strategy switch
    {
        MiningStrategy.Random => RandomScore.Of(options.Seed, c.ContentHash),
        MiningStrategy.LeastConfidence or MiningStrategy.Entropy or MiningStrategy.Margin =>
            Uncertainty.Score(c.Output, options.Strategy, options.Aggregation),
        MiningStrategy.Consistency => Consistency.Score(c, options.Aggregation),
        MiningStrategy.Combined => Uncertainty.Score(c.Output, MiningStrategy.Margin, options.Aggregation),
        _ => 0,
    };

    private static List<MiningCandidate> ReduceCoreSet(List<MiningCandidate> set, int size, MiningOptions options)
    {
        var order = KCenterGreedy.Select(set.Select(c => c.Output.Features!).ToList(), size, options.LabelledFeatures, _ => true, options.Seed);
        return order.Select(o => set[o.Index]).ToList();
    }

    /// <summary>k-center's eligibility test: not a near-duplicate of anything picked so far (which it then becomes).</summary>
    private static bool AcceptForKCenter(DuplicateGuard guard, MiningCandidate c, ref int duplicates)
    {
        if (guard.IsDuplicate(c))
        {
            duplicates++;
            return false;
        }
        guard.Add(c);
        return true;
    }

    private static double Finite(double d) => double.IsFinite(d) ? d : 2.0;
}
