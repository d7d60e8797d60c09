using static Seer.Evaluation.Tests.Build;

namespace Seer.Evaluation.Tests;

public class ThresholdTests
{
    private static readonly string[] Classes = ["cat", "dog"];

    private static readonly Seer.Core.Datasets.ImageRecord[] Truth =
        [Image(1, Gt("cat", 0, 0, 10, 10), Gt("cat", 50, 0, 10, 10))];

    private static readonly IReadOnlyList<IReadOnlyList<Seer.Core.Annotations.ObjectAnnotation>> Dets = Preds([
        Det("cat", 0, 0, 10, 10, 0.9), Det("cat", 0, 0, 10, 10, 0.8), Det("cat", 300, 0, 10, 10, 0.3), Det("cat", 50, 0, 10, 10, 0.2),
    ]);

    [Fact]
    public void CountAtThreshold_CountsDuplicatesAsFalsePositivesAndMissesAsFalseNegatives()
    {
        var high = DetectionEvaluator.CountAtThreshold(Truth, Dets, Classes, 0.5);
        Assert.Equal(new ClassCounts(1, 1, 1), high.PerClass["cat"]);
        Assert.Equal(new ClassCounts(0, 0, 0), high.PerClass["dog"]);
        var low = DetectionEvaluator.CountAtThreshold(Truth, Dets, Classes, 0.1);
        Assert.Equal(new ClassCounts(2, 2, 0), low.PerClass["cat"]);
        Assert.Equal(0.5, low.Total.Precision, 12);
        Assert.Equal(1.0, low.Total.Recall, 12);
    }

    [Fact]
    public void CountAtThreshold_DetectionOnCrowdIsNeitherTpNorFp()
    {
        var counts = DetectionEvaluator.CountAtThreshold(
            [Image(1, Gt("cat", 0, 0, 100, 100, crowd: true))], Preds([Det("cat", 10, 10, 20, 20, 0.9)]), Classes, 0.5);
        Assert.Equal(new ClassCounts(0, 0, 0), counts.PerClass["cat"]);
    }

    [Fact]
    public void ConfusionMatrix_HasBackgroundRowAndColumn()
    {
        var cm = DetectionEvaluator.ConfusionMatrix(
            [Image(1, Gt("cat", 0, 0, 10, 10), Gt("dog", 50, 0, 10, 10), Gt("cat", 100, 0, 10, 10))],
            Preds([Det("dog", 0, 0, 10, 10, 0.9), Det("dog", 50, 0, 10, 10, 0.8), Det("cat", 300, 0, 10, 10, 0.7), Det("cat", 100, 0, 10, 10, 0.1)]),
            Classes, scoreThreshold: 0.5);
        Assert.Equal(new[] { "cat", "dog", "background" }, cm.Labels);
        Assert.Equal(1, cm[0, 1]); // cat seen as dog
        Assert.Equal(1, cm[1, 1]); // dog as dog
        Assert.Equal(1, cm[2, 0]); // a cat where there is nothing
        Assert.Equal(1, cm[0, 2]); // a missed cat (its detection is under the threshold)
        Assert.Equal(4, cm.Counts.Sum(r => r.Sum()));
    }

    [Fact]
    public void EvaluateWithScoreThreshold_AddsCountsAndConfusionToJson()
    {
        var m = DetectionEvaluator.Evaluate(Truth, Dets, Classes, new DetectionEvalOptions { ScoreThreshold = 0.5 });
        var json = m.ToJson();
        Assert.True(json.ContainsKey("counts"));
        Assert.True(json.ContainsKey("confusion_matrix"));
        Assert.Equal(1, m.Counts!.Total.TruePositives);
    }

    [Fact]
    public void ConfusionMatrix_IgnoresDetectionsOnCrowdRegions()
    {
        var cm = DetectionEvaluator.ConfusionMatrix(
            [Image(1, Gt("cat", 0, 0, 100, 100, crowd: true), Gt("dog", 200, 0, 10, 10))],
            Preds([Det("cat", 10, 10, 20, 20, 0.9), Det("cat", 50, 50, 20, 20, 0.9), Det("dog", 10, 10, 20, 20, 0.9), Det("dog", 200, 0, 10, 10, 0.9)]),
            Classes, scoreThreshold: 0.5);
        Assert.Equal(1, cm[1, 1]);
        Assert.Equal(0, cm[2, 0]); // both cats are inside the cat crowd
        Assert.Equal(1, cm[2, 1]); // a dog inside a cat crowd is still a false alarm
        Assert.Equal(2, cm.Counts.Sum(r => r.Sum()));
    }
}
