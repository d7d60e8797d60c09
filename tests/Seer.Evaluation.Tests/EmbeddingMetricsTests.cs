using Seer.Core.Errors;
using Seer.Evaluation;

namespace Seer.Evaluation.Tests;

/// <summary>Retrieval and verification metrics on hand-placed unit vectors (angles in degrees), computed by hand.</summary>
public sealed class EmbeddingMetricsTests
{
    private static float[] Angles(params double[] degrees) =>
        degrees.SelectMany(d => new[] { (float)Math.Cos(d * Math.PI / 180), (float)Math.Sin(d * Math.PI / 180) }).ToArray();

    [Fact]
    public void RetrievalAndVerification_MatchTheHandComputation()
    {
        // A at 0°, 10°, 55°; B at 30°, 95°. Similarity falls with the angle between two items.
        // Leave-one-out rankings (closest first), R = other items of the same identity:
        //   a0: a1 ✓ b0 a2 b1, R=2 → top-2 [✓ ✗] AP = ½·1 = 0.5; R@1 hit
        //   a1: a0 ✓ b0 a2 b1, R=2 → 0.5; R@1 hit
        //   a2: b0 b1 a1 ✓ a0 ✓, R=2 → top-2 has none → 0; R@1 miss
        //   b0: a1 a2 a0 b1 ✓, R=1 → 0; miss     b1: a2 b0 ✓ a1 a0, R=1 → 0; miss
        // recall@1 = 2/5, recall@5 = 5/5, MAP@R = (0.5 + 0.5) / 5 = 0.2.
        var m = EmbeddingEvaluator.Evaluate(Angles(0, 10, 55, 30, 95), 2, [0, 0, 0, 1, 1]);
        Assert.Equal(0.4, m.RecallAt1, 9);
        Assert.Equal(1.0, m.RecallAt5, 9);
        Assert.Equal(0.2, m.MapAtR, 9);
        Assert.Equal((5, 2, 5), (m.Items, m.Identities, m.Queries));

        // Pairs: genuine 10°, 45°, 55°, 65°; impostors 20°, 25°, 30°, 40°, 85°, 95°. With 6 impostors every target FAR
        // allows none: the threshold sits just above cos 20° and only the 10° pair passes → TAR 1/4.
        Assert.Equal((4, 6), (m.GenuinePairs, m.ImpostorPairs));
        foreach (string far in new[] { "1e-2", "1e-3", "1e-4" })
        {
            Assert.Equal(0.25, m.TarAtFar[far], 9);
            Assert.True(m.ThresholdAtFar[far] > Math.Cos(20 * Math.PI / 180) && m.ThresholdAtFar[far] < Math.Cos(10 * Math.PI / 180));
        }
        // EER: walking the threshold down, FAR/FRR go 0/¾, ⅙/¾, 2/6/¾, 3/6/¾, 4/6/¾ (closest: gap 1/12) → (4/6 + 3/4) / 2.
        Assert.Equal((4 / 6.0 + 0.75) / 2, m.Eer, 6);
        var json = m.ToJson();
        Assert.Equal(0.2, (double)json["map_at_r"]!, 9);
        Assert.Contains("1e-3", ((Dictionary<string, double>)json["tar_at_far"]!).Keys);
    }

    [Fact]
    public void PerfectEmbeddings_ScoreOne()
    {
        var m = EmbeddingEvaluator.Evaluate(Angles(0, 2, 4, 90, 92, 180, 182), 2, [0, 0, 0, 1, 1, 2, 2]);
        Assert.Equal(1.0, m.RecallAt1, 9);
        Assert.Equal(1.0, m.MapAtR, 9);
        Assert.Equal(0.0, m.Eer, 9);
    }

    [Fact]
    public void BadInput_IsRefused()
    {
        Assert.Throws<SeerException>(() => EmbeddingEvaluator.Evaluate(Angles(0, 10), 2, [0, 1]));
        Assert.Throws<SeerException>(() => EmbeddingEvaluator.Evaluate(Angles(0, 10), 2, [0, 0]));
        Assert.Throws<SeerException>(() => EmbeddingEvaluator.Evaluate(Angles(0, 10, 20), 2, [0, 0]));
        Assert.Throws<SeerException>(() => EmbeddingEvaluator.Evaluate(new[] { 1f, float.NaN, 1, 0, 0, 1 }, 2, [0, 0, 1]));
    }
}
