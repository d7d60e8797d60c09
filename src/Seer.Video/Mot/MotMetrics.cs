using Seer.Core.Geometry;
using Seer.Video.Tracking;

namespace Seer.Video.Mot;

/// <summary>
/// CLEAR-MOT (Bernardin &amp; Stiefelhagen, 2008) and ID measures (Ristani et al., 2016) of a tracker's output against
/// ground truth. A box pair can match when IoU ≥ <c>iouThreshold</c> (0.5, as MOTChallenge).
/// MOTA = 1 − (FN + FP + IDSW) / GT; MOTP = mean IoU of the matched pairs (higher is better);
/// IDF1 = 2·IDTP / (2·IDTP + IDFP + IDFN) where IDTP comes from the one-to-one matching of whole trajectories that
/// maximises the frames in which the paired trajectories overlap (Hungarian method).
/// </summary>
public sealed record MotMetrics
{
    public int GroundTruth { get; init; }
    public int Hypotheses { get; init; }
    public int Matches { get; init; }
    public int FalsePositives { get; init; }
    public int Misses { get; init; }
    public int IdSwitches { get; init; }
    public double Mota { get; init; }
    public double Motp { get; init; }
    public int IdTruePositives { get; init; }
    public int IdFalsePositives { get; init; }
    public int IdFalseNegatives { get; init; }
    public double Idf1 { get; init; }
    public double Idp { get; init; }
    public double Idr { get; init; }
    public int GroundTruthTracks { get; init; }
    public int HypothesisTracks { get; init; }

    public static MotMetrics Evaluate(IReadOnlyList<MotRow> groundTruth, IReadOnlyList<MotRow> hypotheses, double iouThreshold = 0.5)
    {
        var gtByFrame = groundTruth.GroupBy(r => r.Frame).ToDictionary(g => g.Key, g => g.ToList());
        var hypByFrame = hypotheses.GroupBy(r => r.Frame).ToDictionary(g => g.Key, g => g.ToList());
        var frames = gtByFrame.Keys.Union(hypByFrame.Keys).Order().ToList();

        var lastMatch = new Dictionary<int, int>();      // gt id → hypothesis id it was last matched to
        int matches = 0, fp = 0, fn = 0, switches = 0;
        double iouSum = 0;
        var gtIds = groundTruth.Select(r => r.Id).Distinct().Order().ToList();
        var hypIds = hypotheses.Select(r => r.Id).Distinct().Order().ToList();
        var gtIndex = gtIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var hypIndex = hypIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var overlap = new int[gtIds.Count, hypIds.Count]; // frames in which the pair could match (ID measures)

        foreach (int f in frames)
        {
            var g = gtByFrame.TryGetValue(f, out var gl) ? gl : [];
            var h = hypByFrame.TryGetValue(f, out var hl) ? hl : [];
            var iou = new double[g.Count, h.Count];
            for (int i = 0; i < g.Count; i++)
                for (int j = 0; j < h.Count; j++)
                {
                    iou[i, j] = BoxXyxy.IoU(g[i].Box, h[j].Box);
                    if (iou[i, j] >= iouThreshold) overlap[gtIndex[g[i].Id], hypIndex[h[j].Id]]++;
                }
            var gMatched = new int[g.Count];
            Array.Fill(gMatched, -1);
            var hTaken = new bool[h.Count];
            // 1. Keep last frame's correspondences that are still valid.
            for (int i = 0; i < g.Count; i++)
            {
                if (!lastMatch.TryGetValue(g[i].Id, out int prev)) continue;
                for (int j = 0; j < h.Count; j++)
                    if (!hTaken[j] && h[j].Id == prev && iou[i, j] >= iouThreshold) { gMatched[i] = j; hTaken[j] = true; break; }
            }
            // 2. Minimum-distance assignment of the rest.
            var freeG = Enumerable.Range(0, g.Count).Where(i => gMatched[i] < 0).ToList();
            var freeH = Enumerable.Range(0, h.Count).Where(j => !hTaken[j]).ToList();
            var cost = new double[freeG.Count, freeH.Count];
            for (int a = 0; a < freeG.Count; a++)
                for (int b = 0; b < freeH.Count; b++) cost[a, b] = 1 - iou[freeG[a], freeH[b]];
            foreach (var (a, b) in LinearAssignment.SolveWithLimit(cost, 1 - iouThreshold))
            {
                int i = freeG[a], j = freeH[b];
                gMatched[i] = j; hTaken[j] = true;
                if (lastMatch.TryGetValue(g[i].Id, out int prev) && prev != h[j].Id) switches++;
            }
            for (int i = 0; i < g.Count; i++)
            {
                if (gMatched[i] < 0) { fn++; continue; }
                matches++;
                iouSum += iou[i, gMatched[i]];
                lastMatch[g[i].Id] = h[gMatched[i]].Id;
            }
            fp += hTaken.Count(t => !t);
        }

        // ID measures: trajectories matched one-to-one, maximising the frames they share.
        int idtp = 0;
        if (gtIds.Count > 0 && hypIds.Count > 0)
        {
            var cost = new double[gtIds.Count, hypIds.Count];
            for (int i = 0; i < gtIds.Count; i++)
                for (int j = 0; j < hypIds.Count; j++) cost[i, j] = -overlap[i, j];
            var assign = LinearAssignment.Solve(cost);
            for (int i = 0; i < gtIds.Count; i++) if (assign[i] >= 0) idtp += overlap[i, assign[i]];
        }
        int nGt = groundTruth.Count, nHyp = hypotheses.Count;
        int idfp = nHyp - idtp, idfn = nGt - idtp;
        return new MotMetrics
        {
            GroundTruth = nGt, Hypotheses = nHyp, Matches = matches, FalsePositives = fp, Misses = fn, IdSwitches = switches,
            Mota = nGt == 0 ? 0 : 1 - (double)(fn + fp + switches) / nGt,
            Motp = matches == 0 ? 0 : iouSum / matches,
            IdTruePositives = idtp, IdFalsePositives = idfp, IdFalseNegatives = idfn,
            Idf1 = idtp == 0 ? 0 : 2.0 * idtp / (2.0 * idtp + idfp + idfn),
            Idp = nHyp == 0 ? 0 : (double)idtp / nHyp,
            Idr = nGt == 0 ? 0 : (double)idtp / nGt,
            GroundTruthTracks = gtIds.Count, HypothesisTracks = hypIds.Count,
        };
    }
}
