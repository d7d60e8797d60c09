namespace Seer.Evaluation.Internal;

/// <summary>COCOeval.summarize(): the twelve stats as means over the entries &gt; -1, plus per-class figures.</summary>
internal static class CocoSummary
{
    public static DetectionMetrics Summarize(EvalData data, CocoClassResult[] results)
    {
        const int T = CocoParams.T;
        var perClass = new Dictionary<string, double>(StringComparer.Ordinal);
        var perClass50 = new Dictionary<string, double>(StringComparer.Ordinal);
        var instances = new Dictionary<string, int>(StringComparer.Ordinal);
        var curves = new Dictionary<string, PrCurve>(StringComparer.Ordinal);
        double wSum = 0, wAp = 0;
        for (int k = 0; k < results.Length; k++)
        {
            var res = results[k];
            string name = data.Classes[k];
            double ap = MeanPrecision([res], tFrom: 0, tTo: T, a: 0, m: 2);
            perClass[name] = ap;
            perClass50[name] = MeanPrecision([res], 0, 1, 0, 2);
            instances[name] = res.Instances;
            curves[name] = new PrCurve(name, res.CurveRecall, res.CurvePrecision, res.CurveScores);
            if (ap > -1)
            {
                wAp += ap * res.Instances;
                wSum += res.Instances;
            }
        }

        return new DetectionMetrics
        {
            Protocol = DetectionProtocol.Coco,
            AP = MeanPrecision(results, 0, T, 0, 2),
            AP50 = MeanPrecision(results, 0, 1, 0, 2),
            AP75 = MeanPrecision(results, 5, 6, 0, 2),
            APs = MeanPrecision(results, 0, T, 1, 2),
            APm = MeanPrecision(results, 0, T, 2, 2),
            APl = MeanPrecision(results, 0, T, 3, 2),
            AR1 = MeanRecall(results, 0, 0),
            AR10 = MeanRecall(results, 0, 1),
            AR100 = MeanRecall(results, 0, 2),
            ARs = MeanRecall(results, 1, 2),
            ARm = MeanRecall(results, 2, 2),
            ARl = MeanRecall(results, 3, 2),
            PerClass = perClass,
            PerClassAP50 = perClass50,
            InstanceCounts = instances,
            WeightedAP = wSum > 0 ? wAp / wSum : -1,
            PrCurves = curves,
            ImageCount = data.ImageCount,
            DetectionCount = data.DetectionCount,
            Warnings = data.Warnings,
        };
    }

    /// <summary>mean(precision[t in range, :, all classes, a, m][&gt; -1]), or -1 when nothing is &gt; -1.</summary>
    private static double MeanPrecision(CocoClassResult[] results, int tFrom, int tTo, int a, int m)
    {
        double sum = 0;
        long n = 0;
        for (int t = tFrom; t < tTo; t++)
        {
            foreach (var res in results)
            {
                int q = CocoClassResult.PIndex(a, m, t);
                for (int r = 0; r < CocoParams.R; r++)
                {
                    double v = res.Precision[q + r];
                    if (v > -1)
                    {
                        sum += v;
                        n++;
                    }
                }
            }
        }

        return n == 0 ? -1 : sum / n;
    }

    private static double MeanRecall(CocoClassResult[] results, int a, int m)
    {
        double sum = 0;
        long n = 0;
        for (int t = 0; t < CocoParams.T; t++)
        {
            foreach (var res in results)
            {
                double v = res.Recall[CocoClassResult.RIndex(a, m, t)];
                if (v > -1)
                {
                    sum += v;
                    n++;
                }
            }
        }

        return n == 0 ? -1 : sum / n;
    }
}
