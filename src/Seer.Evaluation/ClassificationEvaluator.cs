using Seer.Core.Errors;
using Seer.Evaluation.Internal;

namespace Seer.Evaluation;

/// <summary>
/// Classification metrics from per-sample class scores. The predicted class is the arg-max score (ties go to the
/// lower class index); top-k counts a sample when fewer than k classes rank above its true class (a class ranks
/// above when its score is higher, or equal with a lower index). Precision/recall/F1 of a class with no
/// predictions/no support is 0 (scikit-learn's zero_division=0).
/// </summary>
public static class ClassificationEvaluator
{
    public static ClassificationMetrics Evaluate(
        IReadOnlyList<int> truth, IReadOnlyList<float[]> scores, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(classes);
        int c = classes.Count;
        if (c == 0) throw new SeerException(ErrorCodes.InvalidInput, "classification evaluation needs at least one class");
        if (new HashSet<string>(classes, StringComparer.Ordinal).Count != c)
            throw new SeerException(ErrorCodes.InvalidInput, "class names must be unique");
        if (truth.Count != scores.Count)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{truth.Count} true labels but {scores.Count} score vectors; give one score vector per sample");
        int n = truth.Count;
        if (n == 0) throw new SeerException(ErrorCodes.InvalidInput, "classification evaluation needs at least one sample");

        var cm = new int[c, c];
        int top1 = 0, top5 = 0, k = Math.Min(5, c);
        for (int i = 0; i < n; i++)
        {
            int t = truth[i];
            if ((uint)t >= (uint)c)
                throw new SeerException(ErrorCodes.InvalidInput, $"sample {i}: true class index {t} is outside 0..{c - 1}");
            var s = scores[i] ?? throw new SeerException(ErrorCodes.InvalidInput, $"sample {i}: no scores");
            if (s.Length != c)
                throw new SeerException(ErrorCodes.InvalidInput, $"sample {i}: {s.Length} scores for {c} classes");
            int arg = 0, above = 0;
            float truthScore = s[t];
            for (int j = 0; j < c; j++)
            {
                float v = s[j];
                if (float.IsNaN(v)) throw new SeerException(ErrorCodes.InvalidInput, $"sample {i}: score of class {j} is NaN");
                if (v > s[arg]) arg = j;
                if (v > truthScore || (v == truthScore && j < t)) above++;
            }

            cm[t, arg]++;
            if (arg == t) top1++;
            if (above < k) top5++;
        }

        return FromConfusion(cm, classes, n, top1 / (double)n, top5 / (double)n);
    }

    /// <summary>
    /// The files of `seer eval classification`: GT {"classes": [...], "items": [{"id", "label"}]} and PRED
    /// [{"id", "scores": [...]}] or [{"id", "label"}] (hard labels: Top5 is -1, it cannot be computed).
    /// </summary>
    public static ClassificationMetrics EvaluateFiles(string groundTruthPath, string predictionsPath)
    {
        var loaded = ClassificationFileReader.Read(groundTruthPath, predictionsPath);
        var metrics = Evaluate(loaded.Truth, loaded.Scores, loaded.Classes);
        return loaded.HardLabels ? metrics with { Top5 = -1 } : metrics;
    }

    private static ClassificationMetrics FromConfusion(int[,] cm, IReadOnlyList<string> classes, int n, double top1, double top5)
    {
        int c = classes.Count;
        var perClass = new Dictionary<string, ClassMetrics>(c, StringComparer.Ordinal);
        double sumP = 0, sumR = 0, sumF = 0, weighted = 0;
        int present = 0;
        var rows = new IReadOnlyList<int>[c];
        for (int a = 0; a < c; a++)
        {
            int support = 0, predicted = 0;
            var row = new int[c];
            for (int b = 0; b < c; b++)
            {
                row[b] = cm[a, b];
                support += cm[a, b];
                predicted += cm[b, a];
            }

            rows[a] = row;
            int tp = cm[a, a];
            double p = predicted > 0 ? tp / (double)predicted : 0;
            double r = support > 0 ? tp / (double)support : 0;
            double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
            perClass[classes[a]] = new ClassMetrics(p, r, f, support);
            if (support > 0 || predicted > 0)
            {
                present++;
                sumP += p;
                sumR += r;
                sumF += f;
            }

            weighted += f * support;
        }

        return new ClassificationMetrics
        {
            Classes = classes.ToArray(),
            SampleCount = n,
            Top1 = top1,
            Top5 = top5,
            MacroPrecision = present > 0 ? sumP / present : 0,
            MacroRecall = present > 0 ? sumR / present : 0,
            MacroF1 = present > 0 ? sumF / present : 0,
            WeightedF1 = weighted / n,
            PerClass = perClass,
            ConfusionMatrix = rows,
        };
    }
}
