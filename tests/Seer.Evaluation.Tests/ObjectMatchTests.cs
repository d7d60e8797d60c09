using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;

namespace Seer.Evaluation.Tests;

/// <summary>Per-object TP/FP/FN (the image page's colours) agree with the per-class threshold counts.</summary>
public class ObjectMatchTests
{
    [Fact]
    public void MatchObjects_OnAHandBuiltImage_MarksEachBox()
    {
        var truth = new ImageRecord("h", "a.jpg", 100, 100)
        {
            IsLabelled = true,
            Objects = [new("cat", new BoxXyxy(0, 0, 10, 10)), new("cat", new BoxXyxy(50, 50, 60, 60)), new("dog", new BoxXyxy(20, 20, 40, 40)) { Difficult = true }],
        };
        ObjectAnnotation P(string label, double x, double score) => new(label, new BoxXyxy(x, x, x + 10, x + 10)) { Score = score };
        var predictions = new[] { P("cat", 0, 0.9), P("cat", 1, 0.8), new ObjectAnnotation("dog", new BoxXyxy(20, 20, 40, 40)) { Score = 0.7 }, P("cat", 80, 0.6), P("cat", 50, 0.1) };
        var m = DetectionEvaluator.MatchObjects(truth, predictions, 0.5, 0.5);
        Assert.Equal([MatchStatus.TruePositive, MatchStatus.FalseNegative, MatchStatus.Ignored], m.Truth);
        Assert.Equal([MatchStatus.TruePositive, MatchStatus.FalsePositive, MatchStatus.Ignored, MatchStatus.FalsePositive, MatchStatus.BelowThreshold], m.Predictions);
        Assert.Equal(0, m.PredictionMatchedTo[0]);
        Assert.Equal(0, m.TruthMatchedTo[0]);
        var lower = DetectionEvaluator.MatchObjects(truth, predictions, 0.05, 0.5);
        Assert.Equal(MatchStatus.TruePositive, lower.Truth[1]);
        Assert.Equal(4, lower.TruthMatchedTo[1]);
    }

    [Fact]
    public void MatchObjects_SummedOverImages_EqualsCountAtThreshold()
    {
        var rng = new Random(7);
        string[] classes = ["a", "b", "c"];
        var truth = new List<ImageRecord>();
        var predictions = new List<IReadOnlyList<ObjectAnnotation>>();
        for (int i = 0; i < 60; i++)
        {
            BoxXyxy Box()
            {
                double x = rng.Next(80), y = rng.Next(80);
                return new BoxXyxy(x, y, x + 5 + rng.Next(20), y + 5 + rng.Next(20));
            }
            var gts = Enumerable.Range(0, rng.Next(5)).Select(_ => new ObjectAnnotation(classes[rng.Next(3)], Box()) { IsCrowd = rng.Next(10) == 0 }).ToList();
            var dets = gts.Where(_ => rng.Next(3) > 0)
                .Select(g => new ObjectAnnotation(rng.Next(6) == 0 ? classes[rng.Next(3)] : g.Label,
                    new BoxXyxy(g.Box.X1 + rng.Next(4), g.Box.Y1 + rng.Next(4), g.Box.X2 + rng.Next(4), g.Box.Y2)) { Score = Math.Round(rng.NextDouble(), 1) })
                .Concat(Enumerable.Range(0, rng.Next(3)).Select(_ => new ObjectAnnotation(classes[rng.Next(3)], Box()) { Score = Math.Round(rng.NextDouble(), 1) }))
                .ToList();
            truth.Add(new ImageRecord($"h{i}", $"{i}.jpg", 120, 120) { IsLabelled = true, Objects = gts });
            predictions.Add(dets);
        }
        foreach (double score in new[] { 0.0, 0.3, 0.7 })
        {
            var counts = DetectionEvaluator.CountAtThreshold(truth, predictions, classes, score, 0.5);
            var matches = truth.Select((t, i) => DetectionEvaluator.MatchObjects(t, predictions[i], score, 0.5)).ToList();
            foreach (var c in classes)
            {
                int tp = 0, fp = 0, fn = 0;
                for (int i = 0; i < truth.Count; i++)
                {
                    tp += predictions[i].Where((p, k) => p.Label == c && matches[i].Predictions[k] == MatchStatus.TruePositive).Count();
                    fp += predictions[i].Where((p, k) => p.Label == c && matches[i].Predictions[k] == MatchStatus.FalsePositive).Count();
                    fn += truth[i].Objects.Where((o, k) => o.Label == c && matches[i].Truth[k] == MatchStatus.FalseNegative).Count();
                }
                Assert.Equal(counts.PerClass[c], new ClassCounts(tp, fp, fn));
            }
        }
    }
}
