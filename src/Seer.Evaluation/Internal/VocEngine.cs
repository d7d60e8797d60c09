namespace Seer.Evaluation.Internal;

/// <summary>
/// PASCAL VOC AP per class, as the VOC devkit (and py-faster-rcnn's voc_eval.py) computes it: all detections of the
/// class sorted by descending score; each is assigned to the same-image object of highest IoU; IoU &gt; 0.5 with a
/// difficult object is ignored, with an object not yet detected is a TP, otherwise a FP. Crowd objects count as
/// difficult. IoU uses continuous coordinates (no VOC "+1": boxes are converted at import).
/// </summary>
internal static class VocEngine
{
    private const double Eps = 2.220446049250313e-16; // np.finfo(np.float64).eps

    public readonly record struct VocClassResult(double Ap, int Instances, double[] Recall, double[] Precision, double[] Scores);

    public static VocClassResult[] Run(EvalData data, bool use07)
    {
        var results = new VocClassResult[data.Classes.Length];
        Parallel.For(0, results.Length, k => results[k] = EvaluateClass(data, k, use07));
        return results;
    }

    private static VocClassResult EvaluateClass(EvalData data, int k, bool use07)
    {
        var gs = data.GtStart[k];
        var ds = data.DetStart[k];
        var gts = data.Gts[k];
        var dets = data.Dets[k];
        int npos = 0;
        foreach (var g in gts)
            if (!(g.Difficult || g.Crowd)) npos++;

        // Detections are grouped by image, each group sorted by score: one stable sort gives the global order.
        int n = dets.Length;
        var image = new int[n];
        for (int i = 0; i < data.ImageCount; i++)
            for (int d = ds[i]; d < ds[i + 1]; d++) image[d] = i;
        var keys = new double[n];
        var perm = new int[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = -dets[i].Score;
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

        var detected = new bool[gts.Length];
        var rec = new double[n];
        var prec = new double[n];
        var curveR = new List<double>();
        var curveP = new List<double>();
        var curveS = new List<double>();
        double tp = 0, fp = 0;
        for (int x = 0; x < n; x++)
        {
            int d = perm[x];
            ref readonly var det = ref dets[d];
            int img = image[d];
            double ovmax = double.NegativeInfinity;
            int jmax = -1;
            for (int g = gs[img]; g < gs[img + 1]; g++)
            {
                double o = Iou(det, gts[g]);
                if (o > ovmax)
                {
                    ovmax = o;
                    jmax = g;
                }
            }

            bool counted = true;
            if (ovmax > 0.5)
            {
                if (gts[jmax].Difficult || gts[jmax].Crowd) counted = false;
                else if (!detected[jmax])
                {
                    tp++;
                    detected[jmax] = true;
                }
                else fp++;
            }
            else fp++;

            rec[x] = npos > 0 ? tp / npos : 0;
            prec[x] = tp / Math.Max(tp + fp, Eps);
            if (counted)
            {
                curveR.Add(rec[x]);
                curveP.Add(tp / (tp + fp));
                curveS.Add(det.Score);
            }
        }

        double ap = npos == 0 ? -1 : use07 ? Ap11Point(rec, prec) : ApAllPoint(rec, prec);
        return new VocClassResult(ap, npos, [.. curveR], [.. curveP], [.. curveS]);
    }

    /// <summary>Plain IoU with continuous coordinates.</summary>
    private static double Iou(in DetBox d, in GtBox g)
    {
        double w = Math.Min(d.X + d.W, g.X + g.W) - Math.Max(d.X, g.X);
        double h = Math.Min(d.Y + d.H, g.Y + g.H) - Math.Max(d.Y, g.Y);
        if (w <= 0 || h <= 0) return 0;
        double i = w * h;
        return i / (d.W * d.H + g.W * g.H - i);
    }

    /// <summary>VOC2007: mean over t in np.arange(0, 1.1, 0.1) of the max precision at recall &gt;= t (0 if none).</summary>
    internal static double Ap11Point(double[] rec, double[] prec)
    {
        double ap = 0;
        for (int i = 0; i <= 10; i++)
        {
            double t = i * 0.1;
            double p = 0;
            bool any = false;
            for (int x = 0; x < rec.Length; x++)
            {
                if (rec[x] >= t && (!any || prec[x] > p))
                {
                    p = prec[x];
                    any = true;
                }
            }

            ap += p / 11;
        }

        return ap;
    }

    /// <summary>VOC2010+: area under the precision envelope, summed where recall changes.</summary>
    internal static double ApAllPoint(double[] rec, double[] prec)
    {
        int n = rec.Length;
        var mrec = new double[n + 2];
        var mpre = new double[n + 2];
        mrec[n + 1] = 1;
        Array.Copy(rec, 0, mrec, 1, n);
        Array.Copy(prec, 0, mpre, 1, n);
        for (int i = n + 1; i > 0; i--) mpre[i - 1] = Math.Max(mpre[i - 1], mpre[i]);
        double ap = 0;
        for (int i = 0; i < n + 1; i++)
            if (mrec[i + 1] != mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
        return ap;
    }
}
