namespace Seer.Evaluation.Internal;

/// <summary>VOC results as <see cref="DetectionMetrics"/>: AP = AP50 = mean VOC AP over classes with objects.</summary>
internal static class VocSummary
{
    public static DetectionMetrics Summarize(EvalData data, VocEngine.VocClassResult[] results, DetectionProtocol protocol)
    {
        var perClass = new Dictionary<string, double>(StringComparer.Ordinal);
        var instances = new Dictionary<string, int>(StringComparer.Ordinal);
        var curves = new Dictionary<string, PrCurve>(StringComparer.Ordinal);
        double sum = 0, wSum = 0, wAp = 0;
        int n = 0;
        for (int k = 0; k < results.Length; k++)
        {
            var r = results[k];
            string name = data.Classes[k];
            perClass[name] = r.Ap;
            instances[name] = r.Instances;
            curves[name] = new PrCurve(name, r.Recall, r.Precision, r.Scores);
            if (r.Ap > -1)
            {
                sum += r.Ap;
                n++;
                wAp += r.Ap * r.Instances;
                wSum += r.Instances;
            }
        }

        double map = n > 0 ? sum / n : -1;
        return new DetectionMetrics
        {
            Protocol = protocol,
            AP = map, AP50 = map, AP75 = -1, APs = -1, APm = -1, APl = -1,
            AR1 = -1, AR10 = -1, AR100 = -1, ARs = -1, ARm = -1, ARl = -1,
            PerClass = perClass,
            PerClassAP50 = perClass,
            InstanceCounts = instances,
            WeightedAP = wSum > 0 ? wAp / wSum : -1,
            PrCurves = curves,
            ImageCount = data.ImageCount,
            DetectionCount = data.DetectionCount,
            Warnings = data.Warnings,
        };
    }
}
