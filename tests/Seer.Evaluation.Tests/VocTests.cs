using static Seer.Evaluation.Tests.Build;

namespace Seer.Evaluation.Tests;

/// <summary>
/// VOC AP on a case worked by hand. One image, objects A, B and a difficult C; detections by score: A (TP),
/// C (ignored: difficult), nothing (FP), B (TP), A again (FP, duplicate). npos = 2. Points (rec, prec):
/// (.5, 1) (.5, 1) (.5, .5) (1, 2/3) (1, .5).
/// VOC12: .5 * 1 + .5 * 2/3 = 5/6. VOC07: t = 0 .. .5 gives 1 (6 points), t = .6 .. 1 gives 2/3 (5 points) = 28/33.
/// </summary>
public class VocTests
{
    private static readonly string[] Classes = ["cat"];

    private static DetectionMetrics Run(DetectionProtocol protocol) => DetectionEvaluator.Evaluate(
        [Image(1, Gt("cat", 0, 0, 10, 10), Gt("cat", 20, 0, 10, 10), Gt("cat", 40, 0, 10, 10, difficult: true))],
        Preds([
            Det("cat", 0, 0, 10, 10, 0.9), Det("cat", 40, 0, 10, 10, 0.8), Det("cat", 200, 200, 10, 10, 0.7),
            Det("cat", 20, 0, 10, 10, 0.6), Det("cat", 0, 0, 10, 10, 0.5),
        ]), Classes, protocol);

    [Fact]
    public void Voc12_AllPointAp_EqualsHandComputedValue()
    {
        var m = Run(DetectionProtocol.Voc12);
        Assert.Equal(5.0 / 6, m.AP, 12);
        Assert.Equal(5.0 / 6, m.AP50, 12);
        Assert.Equal(5.0 / 6, m.PerClass["cat"], 12);
        Assert.Equal(2, m.InstanceCounts["cat"]);
        Assert.Equal(-1.0, m.AP75);
    }

    [Fact]
    public void Voc07_ElevenPointAp_EqualsHandComputedValue()
    {
        var m = Run(DetectionProtocol.Voc07);
        Assert.Equal(28.0 / 33, m.AP, 12);
    }

    [Fact]
    public void Voc_DifficultDetectionIsNotOnThePrCurve()
    {
        var c = Run(DetectionProtocol.Voc12).PrCurves["cat"];
        Assert.Equal(new[] { 0.9, 0.7, 0.6, 0.5 }, c.Scores);
        Assert.Equal(new[] { 0.5, 0.5, 1.0, 1.0 }, c.Recall);
    }

    [Fact]
    public void Voc_ClassWithOnlyDifficultObjects_IsMinusOne()
    {
        var m = DetectionEvaluator.Evaluate(
            [Image(1, Gt("cat", 0, 0, 10, 10, difficult: true))], Preds([Det("cat", 0, 0, 10, 10, 0.9)]), Classes, DetectionProtocol.Voc07);
        Assert.Equal(-1.0, m.PerClass["cat"]);
        Assert.Equal(-1.0, m.AP);
    }

    [Fact]
    public void Voc07_RecallOfExactlyThreeTenthsMissesTheThresholdPoint_AsNumpyArangeDoes()
    {
        // 10 objects, 3 found: recall 0.3 < 3 * 0.1 (= 0.30000000000000004), so only t = 0, .1, .2 count: 3/11.
        var gts = Enumerable.Range(0, 10).Select(i => Gt("cat", i * 20, 0, 10, 10)).ToArray();
        var dets = Enumerable.Range(0, 3).Select(i => Det("cat", i * 20, 0, 10, 10, 0.9 - i * 0.1)).ToArray();
        var m = DetectionEvaluator.Evaluate([Image(1, gts)], Preds(dets), Classes, DetectionProtocol.Voc07);
        Assert.Equal(3.0 / 11, m.AP, 12);
    }
}
