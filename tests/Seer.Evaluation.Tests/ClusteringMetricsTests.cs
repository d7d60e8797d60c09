using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Evaluation;

namespace Seer.Evaluation.Tests;

/// <summary>Pairwise and BCubed scores on hand-made clusterings, computed by hand in the comments.</summary>
public sealed class ClusteringMetricsTests
{
    [Fact]
    public void MixedClustering_MatchesTheHandComputation()
    {
        // truth a a a b b c; predicted 1 1 2 2 2 (singleton).
        // Cells: (a,1)=2 (a,2)=1 (b,2)=2 (c,-)=1 → pairs together in both: 1 + 0 + 1 = 2.
        // Predicted pairs: C(2,2) + C(3,2) = 4; true pairs: C(3,2) + C(2,2) = 4 → pairwise P = R = F = 0.5.
        // BCubed P per item: 2/2, 2/2, 1/3, 2/3, 2/3, 1/1 → 14/18 = 7/9; R: 2/3, 2/3, 1/3, 2/2, 2/2, 1/1 → 7/9.
        var m = ClusteringEvaluator.Evaluate(["a", "a", "a", "b", "b", "c"], ["1", "1", "2", "2", "2", null]);
        Assert.Equal(0.5, m.PairwisePrecision, 12);
        Assert.Equal(0.5, m.PairwiseRecall, 12);
        Assert.Equal(0.5, m.PairwiseF, 12);
        Assert.Equal(7 / 9.0, m.BCubedPrecision, 12);
        Assert.Equal(7 / 9.0, m.BCubedRecall, 12);
        Assert.Equal(7 / 9.0, m.BCubedF, 12);
        Assert.Equal((6, 3, 2, 1), (m.Items, m.Identities, m.Clusters, m.Singletons));
    }

    [Fact]
    public void UnevenPrecisionAndRecall()
    {
        // truth a a b b; predicted one cluster x x x x.
        // Pairwise: together in both 1 + 1 = 2; predicted pairs 6; true pairs 2 → P = 1/3, R = 1, F = 0.5.
        // BCubed: P = 2/4 for every item = 0.5; R = 1 → F = 2/3.
        var m = ClusteringEvaluator.Evaluate(["a", "a", "b", "b"], ["x", "x", "x", "x"]);
        Assert.Equal(1 / 3.0, m.PairwisePrecision, 12);
        Assert.Equal(1.0, m.PairwiseRecall, 12);
        Assert.Equal(0.5, m.PairwiseF, 12);
        Assert.Equal(0.5, m.BCubedPrecision, 12);
        Assert.Equal(1.0, m.BCubedRecall, 12);
        Assert.Equal(2 / 3.0, m.BCubedF, 12);
    }

    [Fact]
    public void AllSingletons_HaveNoPredictedPairs()
    {
        // truth a a a b b c, every item alone: no predicted pairs → pairwise P = R = F = 0 (nothing to count is 0).
        // BCubed P = 1 for each; R = 1/3 ×3, 1/2 ×2, 1 → 3/6 = 0.5 → F = 2/3.
        var m = ClusteringEvaluator.Evaluate(["a", "a", "a", "b", "b", "c"], [null, null, null, null, null, null]);
        Assert.Equal(0.0, m.PairwiseF);
        Assert.Equal(1.0, m.BCubedPrecision, 12);
        Assert.Equal(0.5, m.BCubedRecall, 12);
        Assert.Equal(2 / 3.0, m.BCubedF, 12);
        Assert.Equal((0, 6), (m.Clusters, m.Singletons));
    }

    [Fact]
    public void Images_AreMatchedByContentHash()
    {
        ImageRecord Image(string hash, string name, params string[] tags) => new(hash, name, 4, 4) { IsLabelled = tags.Length > 0, Tags = tags };
        var truth = new[] { Image("h1", "a/1.png", "ann"), Image("h2", "a/2.png", "ann"), Image("h3", "b/1.png", "bob"), Image("h4", "x.png"), Image("h9", "gone.png", "bob") };
        // Renamed files, other order, one unlabelled (a singleton).
        var pred = new[] { Image("h3", "3.png"), Image("h2", "2.png", "cluster-0001"), Image("h1", "1.png", "cluster-0001"), Image("h4", "4.png", "cluster-0001") };
        var m = ClusteringEvaluator.EvaluateImages(truth, pred, out int unmatched);
        Assert.Equal(2, unmatched); // h4 has no true identity; h9 is not in the prediction
        Assert.Equal(3, m.Items);
        Assert.Equal(1.0, m.PairwiseF, 12);
        Assert.Equal((1, 1), (m.Clusters, m.Singletons));
        Assert.Throws<SeerException>(() => ClusteringEvaluator.EvaluateImages(truth, [Image("zz", "z.png", "c")], out _));
        Assert.Throws<SeerException>(() => ClusteringEvaluator.Evaluate(["a"], ["x", "y"]));
    }
}
