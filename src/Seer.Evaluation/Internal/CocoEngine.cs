namespace Seer.Evaluation.Internal;

/// <summary>
/// COCOeval.evaluate() + accumulate() for boxes, one category at a time (categories run in parallel). Per
/// (image, category) the detections are already sorted by score (stable) and are cut to 100; the IoU matrix is
/// computed once and shared by the 4 area ranges x 10 IoU thresholds. Each detection gets a status per
/// (area, threshold): true positive, false positive or ignored. accumulate() then walks the category's detections in
/// COCOeval's global order (descending score, ties by image order then rank in image) once per (area, maxDets, IoU).
/// </summary>
internal static class CocoEngine
{
    private const byte Fp = 0, Tp = 1, Ignored = 2;
    private const int MaxDet = 100;

    public static CocoClassResult[] Run(EvalData data)
    {
        var results = new CocoClassResult[data.Classes.Length];
        Parallel.For(0, results.Length, k => results[k] = EvaluateClass(data, k));
        return results;
    }

    /// <summary>maskApi.c bbIou for one pair: crowd ground truth uses the detection's area as the union.</summary>
    public static double Iou(in DetBox d, in GtBox g)
    {
        double w = Math.Min(d.W + d.X, g.W + g.X) - Math.Max(d.X, g.X);
        if (w <= 0) return 0;
        double h = Math.Min(d.H + d.Y, g.H + g.Y) - Math.Max(d.Y, g.Y);
        if (h <= 0) return 0;
        double i = w * h;
        double da = d.W * d.H;
        double u = g.Crowd ? da : da + g.W * g.H - i;
        return i / u;
    }

    private static CocoClassResult EvaluateClass(EvalData data, int k)
    {
        const int T = CocoParams.T, A = CocoParams.A;
        int images = data.ImageCount;
        var gs = data.GtStart[k];
        var ds = data.DetStart[k];
        var gts = data.Gts[k];
        var dets = data.Dets[k];

        int total = 0, maxG = 0, maxD = 0;
        for (int i = 0; i < images; i++)
        {
            int nd = Math.Min(ds[i + 1] - ds[i], MaxDet);
            total += nd;
            maxD = Math.Max(maxD, nd);
            maxG = Math.Max(maxG, gs[i + 1] - gs[i]);
        }

        var scores = new double[total];
        var rank = new byte[total];
        var status = new byte[A * T * total];
        var detArea = new double[maxD];
        var ious = new double[Math.Max(1, maxD * maxG)];
        var order = new int[maxG];
        var matched = new bool[maxG];
        var npig = new int[A];
        bool anyImage = false;
        var thresholds = new double[T];
        for (int t = 0; t < T; t++) thresholds[t] = Math.Min(CocoParams.IouThresholds[t], 1 - 1e-10);

        int pos = 0;
        for (int i = 0; i < images; i++)
        {
            int g0 = gs[i], ng = gs[i + 1] - g0, d0 = ds[i], nd = Math.Min(ds[i + 1] - d0, MaxDet);
            if (ng == 0 && nd == 0) continue;
            anyImage = true;
            for (int d = 0; d < nd; d++)
            {
                ref readonly var det = ref dets[d0 + d];
                scores[pos + d] = det.Score;
                rank[pos + d] = (byte)d;
                detArea[d] = det.W * det.H;
                for (int g = 0; g < ng; g++) ious[d * ng + g] = Iou(det, gts[g0 + g]);
            }

            for (int a = 0; a < A; a++)
            {
                double lo = CocoParams.AreaLo[a], hi = CocoParams.AreaHi[a];
                int ok = 0;
                for (int g = 0; g < ng; g++)
                {
                    ref readonly var gt = ref gts[g0 + g];
                    if (!(gt.Crowd || gt.Area < lo || gt.Area > hi)) order[ok++] = g;
                }

                npig[a] += ok;
                int j = ok;
                for (int g = 0; g < ng; g++)
                {
                    ref readonly var gt = ref gts[g0 + g];
                    if (gt.Crowd || gt.Area < lo || gt.Area > hi) order[j++] = g;
                }

                for (int t = 0; t < T; t++)
                {
                    Array.Clear(matched, 0, ng);
                    var st = status.AsSpan((a * T + t) * total + pos, nd);
                    for (int d = 0; d < nd; d++)
                    {
                        double best = thresholds[t];
                        int m = -1;
                        int row = d * ng;
                        for (int x = 0; x < ng; x++)
                        {
                            int g = order[x];
                            if (matched[x] && !gts[g0 + g].Crowd) continue;
                            if (m > -1 && m < ok && x >= ok) break;
                            double v = ious[row + g];
                            if (v < best) continue;
                            best = v;
                            m = x;
                        }

                        if (m == -1)
                        {
                            st[d] = detArea[d] < lo || detArea[d] > hi ? Ignored : Fp;
                        }
                        else
                        {
                            matched[m] = true;
                            st[d] = m >= ok ? Ignored : Tp;
                        }
                    }
                }
            }

            pos += nd;
        }

        var perm = GlobalOrder(scores);
        return Accumulate(total, anyImage, npig, perm, rank, status, scores);
    }

    /// <summary>Indices sorted by descending score; equal scores keep index order (numpy mergesort on -score).</summary>
    private static int[] GlobalOrder(double[] scores)
    {
        int n = scores.Length;
        var keys = new double[n];
        var perm = new int[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = -scores[i];
            perm[i] = i;
        }

        Array.Sort(keys, perm);
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && keys[j] == keys[i]) j++;
            if (j - i > 1) Array.Sort(perm, i, j - i);
            i = j;
        }

        return perm;
    }

    private static CocoClassResult Accumulate(
        int total, bool anyImage, int[] npig, int[] perm, byte[] rank, byte[] status, double[] scores)
    {
        const int T = CocoParams.T, R = CocoParams.R, A = CocoParams.A, M = CocoParams.M;
        var precision = new double[A * M * T * R];
        var recall = new double[A * M * T];
        Array.Fill(precision, -1.0);
        Array.Fill(recall, -1.0);
        var rc = new double[total];
        var pr = new double[total];
        var recThr = CocoParams.RecallThresholds;

        for (int a = 0; a < A; a++)
        {
            if (!anyImage || npig[a] == 0) continue;
            double n_pig = npig[a];
            for (int m = 0; m < M; m++)
            {
                int maxDet = CocoParams.MaxDets[m];
                for (int t = 0; t < T; t++)
                {
                    int baseIdx = (a * T + t) * total;
                    int n = 0;
                    double tp = 0, fp = 0;
                    foreach (int p in perm)
                    {
                        if (rank[p] >= maxDet) continue;
                        byte s = status[baseIdx + p];
                        if (s == Tp) tp++;
                        else if (s == Fp) fp++;
                        rc[n] = tp / n_pig;
                        pr[n] = tp / (fp + tp + CocoParams.Spacing1);
                        n++;
                    }

                    recall[CocoClassResult.RIndex(a, m, t)] = n > 0 ? rc[n - 1] : 0;
                    for (int i = n - 1; i > 0; i--)
                        if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];

                    int q = CocoClassResult.PIndex(a, m, t);
                    int at = 0;
                    for (int r = 0; r < R; r++)
                    {
                        while (at < n && rc[at] < recThr[r]) at++;
                        precision[q + r] = at < n ? pr[at] : 0;
                    }
                }
            }
        }

        // Raw PR curve at IoU 0.5, area all, 100 detections: one point per non-ignored detection.
        var curveR = new List<double>();
        var curveP = new List<double>();
        var curveS = new List<double>();
        if (npig[0] > 0)
        {
            double tp = 0, fp = 0;
            foreach (int p in perm)
            {
                byte s = status[p];
                if (s == Ignored) continue;
                if (s == Tp) tp++;
                else fp++;
                curveR.Add(tp / npig[0]);
                curveP.Add(tp / (tp + fp));
                curveS.Add(scores[p]);
            }
        }

        return new CocoClassResult
        {
            Precision = precision, Recall = recall, Instances = npig[0],
            CurveRecall = [.. curveR], CurvePrecision = [.. curveP], CurveScores = [.. curveS],
        };
    }
}
