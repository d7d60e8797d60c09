using Seer.Core.Datasets;
using Seer.Core.Errors;

namespace Seer.Evaluation;

/// <summary>Pairwise and BCubed precision/recall/F of a clustering against true identities (see <see cref="ClusteringMetrics"/>).</summary>
public static class ClusteringEvaluator
{
    /// <summary><paramref name="truth"/>[i] is item i's identity; <paramref name="predicted"/>[i] its cluster, or null
    /// when the clustering left it a singleton.</summary>
    public static ClusteringMetrics Evaluate(IReadOnlyList<string> truth, IReadOnlyList<string?> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
            throw new SeerException(ErrorCodes.InvalidInput, $"{truth.Count} true identities but {predicted.Count} predicted clusters; give one of each per item");
        int n = truth.Count;
        if (n == 0) throw new SeerException(ErrorCodes.InvalidInput, "clustering evaluation needs at least one item");
        for (int i = 0; i < n; i++)
            if (truth[i] is null) throw new SeerException(ErrorCodes.InvalidInput, $"item {i} has no true identity");

        // Cluster ids: predicted singletons get a fresh id each.
        var gt = Ids(truth.Select(t => (string?)t).ToList());
        var pred = Ids(predicted);
        var cell = new Dictionary<(int, int), long>();
        var gtSize = new Dictionary<int, long>();
        var predSize = new Dictionary<int, long>();
        for (int i = 0; i < n; i++)
        {
            cell[(gt[i], pred[i])] = cell.GetValueOrDefault((gt[i], pred[i])) + 1;
            gtSize[gt[i]] = gtSize.GetValueOrDefault(gt[i]) + 1;
            predSize[pred[i]] = predSize.GetValueOrDefault(pred[i]) + 1;
        }
        static double Pairs(long m) => m * (m - 1) / 2.0;
        double together = cell.Values.Sum(Pairs);
        double predPairs = predSize.Values.Sum(Pairs);
        double gtPairs = gtSize.Values.Sum(Pairs);
        double pp = Ratio(together, predPairs), pr = Ratio(together, gtPairs);

        double bp = 0, br = 0;
        for (int i = 0; i < n; i++)
        {
            long both = cell[(gt[i], pred[i])];
            bp += both / (double)predSize[pred[i]];
            br += both / (double)gtSize[gt[i]];
        }
        bp /= n;
        br /= n;
        int clusters = predSize.Values.Count(s => s > 1);
        int singletons = predSize.Values.Count(s => s == 1);
        return new ClusteringMetrics(n, gtSize.Count, clusters, singletons, pp, pr, F(pp, pr), bp, br, F(bp, br));
    }

    /// <summary>
    /// Compares two dataset versions' images matched by content hash: the truth's identity of an image is its first tag,
    /// the prediction's cluster its first tag (none: a singleton). Images of the truth without a tag, and images in only
    /// one version, are not counted (<paramref name="unmatched"/> says how many of the truth's were left out).
    /// </summary>
    public static ClusteringMetrics EvaluateImages(IReadOnlyList<ImageRecord> truth, IReadOnlyList<ImageRecord> predicted,
        out int unmatched, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        var clusterOf = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var image in predicted)
            clusterOf.TryAdd(image.ContentHash, image.Tags.Count > 0 ? image.Tags[0] : null);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var gt = new List<string>();
        var pred = new List<string?>();
        unmatched = 0;
        foreach (var image in truth)
        {
            if (!seen.Add(image.ContentHash)) continue;
            if (image.Tags.Count == 0 || !clusterOf.TryGetValue(image.ContentHash, out var cluster))
            {
                unmatched++;
                continue;
            }
            gt.Add(image.Tags[0]);
            pred.Add(cluster);
        }
        if (gt.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                "no tagged image of the ground truth is in the predicted version (images are matched by content hash)", source);
        return Evaluate(gt, pred);
    }

    private static int[] Ids(IReadOnlyList<string?> labels)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new int[labels.Count];
        int next = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] is not { } label) ids[i] = next++;
            else if (map.TryGetValue(label, out int id)) ids[i] = id;
            else ids[i] = map[label] = next++;
        }
        return ids;
    }

    private static double Ratio(double a, double b) => b == 0 ? 0 : a / b;

    private static double F(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}
