namespace Seer.Training.Metrics;

/// <summary>
/// Classification metrics of one evaluation pass, under the evaluation capability's key names: top1, top5,
/// macro_f1, per_class {name: {precision, recall, f1, support}}.
/// </summary>
public static class ClassificationScorer
{
    /// <param name="truth">Class index per image.</param>
    /// <param name="scores">Per image, one score per class (probabilities or logits).</param>
    public static Dictionary<string, object> Score(IReadOnlyList<int> truth, IReadOnlyList<float[]> scores, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(classes);
        int k = classes.Count, n = truth.Count;
        var tp = new int[k];
        var predicted = new int[k];
        var actual = new int[k];
        int top1 = 0, top5 = 0;
        for (int i = 0; i < n; i++)
        {
            float[] s = scores[i];
            int best = 0;
            for (int c = 1; c < k; c++) if (s[c] > s[best]) best = c;
            int rank = 0;
            for (int c = 0; c < k; c++) if (s[c] > s[truth[i]] || (s[c] == s[truth[i]] && c < truth[i])) rank++;
            if (best == truth[i]) { top1++; tp[best]++; }
            if (rank < 5) top5++;
            predicted[best]++;
            actual[truth[i]]++;
        }
        var perClass = new Dictionary<string, object>();
        double f1Sum = 0;
        int f1Count = 0;
        for (int c = 0; c < k; c++)
        {
            double precision = predicted[c] > 0 ? (double)tp[c] / predicted[c] : 0;
            double recall = actual[c] > 0 ? (double)tp[c] / actual[c] : 0;
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            perClass[classes[c]] = new Dictionary<string, object>
            {
                ["precision"] = precision, ["recall"] = recall, ["f1"] = f1, ["support"] = actual[c],
            };
            if (actual[c] > 0) { f1Sum += f1; f1Count++; }
        }
        return new Dictionary<string, object>
        {
            ["top1"] = n > 0 ? (double)top1 / n : 0,
            ["top5"] = n > 0 ? (double)top5 / n : 0,
            ["macro_f1"] = f1Count > 0 ? f1Sum / f1Count : 0,
            ["images"] = n,
            ["per_class"] = perClass,
        };
    }
}
