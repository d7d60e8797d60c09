using static Seer.Evaluation.Tests.Build;

namespace Seer.Evaluation.Tests;

/// <summary>COCO cases small enough that the answer is known exactly.</summary>
public class CocoHandBuiltTests
{
    private static readonly string[] Classes = ["cat", "dog"];

    [Fact]
    public void PerfectSingleSmallBox_GivesOneAndMinusOneForEmptyAreaRanges()
    {
        var m = DetectionEvaluator.Evaluate([Image(1, Gt("cat", 0, 0, 10, 10))], Preds([Det("cat", 0, 0, 10, 10, 0.9)]), Classes);
        Assert.Equal(1.0, m.AP, 12);
        Assert.Equal(1.0, m.AP50, 12);
        Assert.Equal(1.0, m.APs, 12);
        Assert.Equal(-1.0, m.APm);
        Assert.Equal(-1.0, m.APl);
        Assert.Equal(1.0, m.AR1, 12);
        Assert.Equal(-1.0, m.ARl);
        Assert.Equal(1.0, m.PerClass["cat"], 12);
        Assert.Equal(-1.0, m.PerClass["dog"]);
        Assert.Equal(1, m.InstanceCounts["cat"]);
    }

    [Fact]
    public void HigherScoredFalsePositive_HalvesPrecisionAtEveryRecall()
    {
        var m = DetectionEvaluator.Evaluate(
            [Image(1, Gt("cat", 0, 0, 10, 10))],
            Preds([Det("cat", 0, 0, 10, 10, 0.8), Det("cat", 300, 300, 10, 10, 0.95)]), Classes);
        Assert.Equal(0.5, m.AP, 12);
        Assert.Equal(1.0, m.AR100, 12);
        Assert.Equal(0.0, m.AR1, 12); // maxDets=1 keeps only the false positive
    }

    [Fact]
    public void IoU079_CountsForSixOfTenThresholds()
    {
        // IoU = 79/100: a TP at .50 .55 .60 .65 .70 .75, a FP at .80 .85 .90 .95.
        var m = DetectionEvaluator.Evaluate([Image(1, Gt("cat", 0, 0, 10, 10))], Preds([Det("cat", 0, 0, 10, 7.9, 0.9)]), Classes);
        Assert.Equal(0.6, m.AP, 12);
        Assert.Equal(1.0, m.AP50, 12);
        Assert.Equal(1.0, m.AP75, 12);
        Assert.Equal(0.6, m.AR100, 12);
    }

    [Fact]
    public void MaxDetsAppliesPerImageAndCategory()
    {
        var m = DetectionEvaluator.Evaluate(
            [Image(1, Gt("cat", 0, 0, 10, 10), Gt("cat", 50, 50, 10, 10))],
            Preds([Det("cat", 0, 0, 10, 10, 0.9), Det("cat", 50, 50, 10, 10, 0.8)]), Classes);
        Assert.Equal(0.5, m.AR1, 12);
        Assert.Equal(1.0, m.AR10, 12);
        Assert.Equal(1.0, m.AP, 12);
    }

    [Fact]
    public void DetectionsInsideCrowdRegion_AreIgnored()
    {
        var m = DetectionEvaluator.Evaluate(
            [Image(1, Gt("cat", 0, 0, 100, 100, crowd: true), Gt("cat", 200, 200, 10, 10))],
            Preds([Det("cat", 5, 5, 20, 20, 0.99), Det("cat", 40, 40, 20, 20, 0.98), Det("cat", 200, 200, 10, 10, 0.5)]), Classes);
        Assert.Equal(1.0, m.AP, 12);
        Assert.Equal(1, m.InstanceCounts["cat"]);
    }

    [Fact]
    public void CategoryWithOnlyCrowdGroundTruth_IsMinusOneAndLeftOutOfTheMean()
    {
        var m = DetectionEvaluator.Evaluate(
            [Image(1, Gt("cat", 0, 0, 10, 10), Gt("dog", 100, 100, 50, 50, crowd: true))],
            Preds([Det("cat", 0, 0, 10, 10, 0.9), Det("dog", 300, 300, 10, 10, 0.9)]), Classes);
        Assert.Equal(-1.0, m.PerClass["dog"]);
        Assert.Equal(1.0, m.AP, 12);
    }

    [Fact]
    public void AreaRangesUseTheAreaFieldNotTheBox()
    {
        // A 10x10 box whose area field says 2000 is "medium".
        var m = DetectionEvaluator.Evaluate([Image(1, Gt("cat", 0, 0, 10, 10, area: 2000))], Preds([Det("cat", 0, 0, 10, 10, 0.9)]), Classes);
        Assert.Equal(-1.0, m.APs);
        Assert.Equal(1.0, m.APm, 12);
    }

    [Fact]
    public void WeightedAP_WeighsClassesByInstanceCount()
    {
        var m = DetectionEvaluator.Evaluate(
            [Image(1, Gt("cat", 0, 0, 10, 10), Gt("cat", 20, 0, 10, 10), Gt("cat", 40, 0, 10, 10), Gt("dog", 100, 100, 10, 10))],
            Preds([Det("cat", 0, 0, 10, 10, 0.9), Det("cat", 20, 0, 10, 10, 0.9), Det("cat", 40, 0, 10, 10, 0.9)]), Classes);
        Assert.Equal(1.0, m.PerClass["cat"], 12);
        Assert.Equal(0.0, m.PerClass["dog"], 12);
        Assert.Equal(0.5, m.AP, 12);
        Assert.Equal(0.75, m.WeightedAP, 12);
    }

    [Fact]
    public void PrCurve_HasOnePointPerCountedDetectionInScoreOrder()
    {
        var m = DetectionEvaluator.Evaluate(
            [Image(1, Gt("cat", 0, 0, 10, 10), Gt("cat", 50, 0, 10, 10))],
            Preds([Det("cat", 0, 0, 10, 10, 0.9), Det("cat", 300, 0, 10, 10, 0.7), Det("cat", 50, 0, 10, 10, 0.5)]), Classes);
        var c = m.PrCurves["cat"];
        Assert.Equal(new[] { 0.5, 0.5, 1.0 }, c.Recall);
        Assert.Equal(new[] { 1.0, 0.5, 2.0 / 3 }, c.Precision);
        Assert.Equal(new[] { 0.9, 0.7, 0.5 }, c.Scores);
    }

    [Fact]
    public void ToJson_HasTheIssueKeys()
    {
        var json = DetectionEvaluator.Evaluate([Image(1, Gt("cat", 0, 0, 10, 10))], Preds([Det("cat", 0, 0, 10, 10, 0.9)]), Classes).ToJson();
        foreach (var key in new[] { "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl", "per_class", "weighted_AP" })
            Assert.True(json.ContainsKey(key), key);
        Assert.Equal(-1.0, ((IReadOnlyDictionary<string, double>)json["per_class"]!)["dog"]);
    }
}
