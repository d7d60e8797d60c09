using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Versions;

namespace Seer.Data.Operations;

public sealed partial class DatasetOperations
{
    /// <summary>Split part names, in order.</summary>
    public static readonly IReadOnlyList<string> SplitParts = ["train", "val", "test"];

    /// <summary>
    /// A seeded sample of <paramref name="count"/> images (or <paramref name="fraction"/> of them). Stratified: each
    /// stratum (an image's rarest label; unlabelled and empty images are strata of their own) keeps its share.
    /// </summary>
    public OperationResult Sample(DatasetRef source, int? count, double? fraction, bool stratified, int seed, string? target)
    {
        var snap = _workspace.OpenSnapshot(source);
        int n = snap.Images.Count;
        int want = count ?? (int)Math.Round((fraction ?? throw new SeerException(ErrorCodes.InvalidInput, "sample needs --count or --fraction")) * n);
        if (fraction is < 0 or > 1) throw new SeerException(ErrorCodes.InvalidInput, $"--fraction must be between 0 and 1 (was {fraction})");
        if (want < 0 || want > n)
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot sample {want} images from {snap} which has {n}");
        var rng = new Random(seed);
        List<int> chosen;
        if (!stratified)
        {
            var order = Enumerable.Range(0, n).ToArray();
            rng.Shuffle(order);
            chosen = order.Take(want).ToList();
        }
        else
        {
            chosen = [];
            var strata = Strata(snap.Images);
            double ratio = n == 0 ? 0 : (double)want / n;
            var quotas = LargestRemainder(strata.Select(s => s.Value.Count * ratio).ToArray(), want);
            int k = 0;
            foreach (var (_, members) in strata)
            {
                var shuffled = members.ToArray();
                rng.Shuffle(shuffled);
                chosen.AddRange(shuffled.Take(quotas[k++]));
            }
        }
        chosen.Sort();
        var images = chosen.Select(i => snap.Images[i]).ToList();
        var commit = _workspace.CommitCore(target ?? snap.Name, images, [snap.Version], "sample",
            new { count = want, stratified, seed }, snap.Classes, [], new Dictionary<string, string>());
        return new OperationResult([commit], [], []);
    }

    /// <summary>
    /// A seeded, stratified train/val/test split: one new version per part with a non-zero ratio, in datasets
    /// <c>PREFIX-train</c>, <c>PREFIX-val</c>, <c>PREFIX-test</c> (prefix defaults to the source's name). Every part keeps
    /// the source's class list, so class ids agree across parts.
    /// </summary>
    public OperationResult Split(DatasetRef source, IReadOnlyList<double> ratios, int seed, string? prefix)
    {
        if (ratios.Count != 3 || ratios.Any(r => r < 0 || !double.IsFinite(r)) || ratios.Sum() <= 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"split needs three non-negative ratios train,val,test (was {string.Join(",", ratios)})");
        var snap = _workspace.OpenSnapshot(source);
        double sum = ratios.Sum();
        var normalised = ratios.Select(r => r / sum).ToArray();
        var parts = new List<int>[3] { [], [], [] };
        var rng = new Random(seed);
        foreach (var (_, members) in Strata(snap.Images))
        {
            var shuffled = members.ToArray();
            rng.Shuffle(shuffled);
            var quotas = LargestRemainder(normalised.Select(r => r * shuffled.Length).ToArray(), shuffled.Length);
            int at = 0;
            for (int p = 0; p < 3; p++)
            {
                parts[p].AddRange(shuffled.Skip(at).Take(quotas[p]));
                at += quotas[p];
            }
        }
        var commits = new List<CommitResult>();
        string stem = prefix ?? snap.Name;
        for (int p = 0; p < 3; p++)
        {
            if (normalised[p] == 0) continue;
            parts[p].Sort();
            var images = parts[p].Select(i => snap.Images[i]).ToList();
            commits.Add(_workspace.CommitCore($"{stem}-{SplitParts[p]}", images, [snap.Version], "split",
                new { part = SplitParts[p], ratios = normalised, seed }, snap.Classes, [], new Dictionary<string, string>()));
        }
        return new OperationResult(commits, [], []);
    }

    /// <summary>Groups image indices by stratum (rarest label; "(unlabelled)" / "(no labels)"), strata in name order.</summary>
    internal static SortedDictionary<string, List<int>> Strata(IReadOnlyList<ImageRecord> images)
    {
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var image in images)
            foreach (var label in Workspace.Distinct(Workspace.UsedLabels(image)))
                frequency[label] = frequency.GetValueOrDefault(label) + 1;
        var strata = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            string key = !image.IsLabelled ? "(unlabelled)"
                : Workspace.UsedLabels(image).OrderBy(l => frequency[l]).ThenBy(l => l, StringComparer.Ordinal).FirstOrDefault() ?? "(no labels)";
            if (!strata.TryGetValue(key, out var list)) strata[key] = list = [];
            list.Add(i);
        }
        return strata;
    }

    /// <summary>Integer shares that sum to <paramref name="total"/>: floors, then the largest remainders get one more.</summary>
    internal static int[] LargestRemainder(double[] shares, int total)
    {
        var floors = shares.Select(s => (int)Math.Floor(s + 1e-9)).ToArray();
        int left = total - floors.Sum();
        foreach (int i in Enumerable.Range(0, shares.Length).OrderByDescending(i => shares[i] - floors[i]).ThenBy(i => i))
        {
            if (left <= 0) break;
            floors[i]++;
            left--;
        }
        return floors;
    }
}
