namespace Seer.Search.Tests;

public class CompareTests
{
    [Fact]
    public void Score_IsTheMetricOfTheTwoVectors()
    {
        float[] a = [3, 4, 0], b = [4, 3, 0];
        Assert.Equal(24f, FeatureComparer.Score(a, b, DistanceMetric.InnerProduct), 5);
        Assert.Equal(0.96f, FeatureComparer.Score(a, b, DistanceMetric.Cosine), 5);
        Assert.Equal(2f, FeatureComparer.Score(a, b, DistanceMetric.L2), 5);
    }

    [Fact]
    public void Calibrate_ChoosesTheLoosestThresholdWithinTheTargetFalseAcceptRate()
    {
        // 1000 impostor pairs scored 0.000..0.999, 100 genuine pairs scored 0.98555..0.99545.
        var scores = new List<float>();
        var genuine = new List<bool>();
        for (int i = 0; i < 1000; i++) { scores.Add(i / 1000f); genuine.Add(false); }
        for (int i = 0; i < 100; i++) { scores.Add(0.98555f + i * 0.0001f); genuine.Add(true); }

        var result = FeatureComparer.Calibrate(scores, genuine, 0.01, DistanceMetric.Cosine);

        // 1% of 1000 = 10 impostors may pass: those at 0.990..0.999; the 11th (0.989) must not.
        Assert.Equal(0.01, result.FalseAcceptRate, 6);
        Assert.True(result.Threshold > 0.989f && result.Threshold <= 0.990f, $"threshold {result.Threshold}");
        Assert.True(FeatureComparer.Accepts(0.990f, result.Threshold, DistanceMetric.Cosine));
        Assert.False(FeatureComparer.Accepts(0.989f, result.Threshold, DistanceMetric.Cosine));
        Assert.Equal(0.65, result.TrueAcceptRate, 6); // genuine above 0.989: 0.98905..0.99545 → 65
    }

    [Fact]
    public void Calibrate_ForL2AcceptsSmallDistances()
    {
        float[] scores = [0.1f, 0.2f, 0.3f, 1.5f, 1.6f, 1.7f, 1.8f];
        bool[] genuine = [true, true, true, false, false, false, false];

        var result = FeatureComparer.Calibrate(scores, genuine, 0.0, DistanceMetric.L2);

        Assert.Equal(0, result.FalseAcceptRate);
        Assert.Equal(1, result.TrueAcceptRate);
        Assert.True(result.Threshold < 1.5f);
    }
}
