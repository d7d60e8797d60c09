using Seer.Mining.Scoring;

namespace Seer.Mining.Tests;

public class UncertaintyStrategyTests
{
    [Theory]
    [InlineData(MiningStrategy.LeastConfidence)]
    [InlineData(MiningStrategy.Entropy)]
    [InlineData(MiningStrategy.Margin)]
    [InlineData(MiningStrategy.Combined)]
    public void Classifier_ambiguous_image_ranks_above_confident_one(MiningStrategy strategy)
    {
        var confident = Build.WithFeatures("confident", [1, 0, 0], 0.96f, 0.02f, 0.02f);
        var ambiguous = Build.WithFeatures("ambiguous", [0, 1, 0], 0.40f, 0.38f, 0.22f);
        var middling = Build.WithFeatures("middling", [0, 0, 1], 0.70f, 0.20f, 0.10f);
        var result = Miner.Mine([confident, middling, ambiguous],
            new MiningOptions { Strategy = strategy, TopK = strategy == MiningStrategy.Combined ? 1 : 3, CombinedPreselectFactor = 1 });
        Assert.Equal("ambiguous.png", result.Items[0].FileName);
        if (strategy != MiningStrategy.Combined)
        {
            Assert.Equal(["ambiguous.png", "middling.png", "confident.png"], result.Items.Select(i => i.FileName));
            Assert.True(result.Items[0].Score > result.Items[2].Score);
        }
    }

    [Theory]
    [InlineData(DetectionAggregation.Max)]
    [InlineData(DetectionAggregation.Mean)]
    [InlineData(DetectionAggregation.Sum)]
    public void Detector_image_with_borderline_box_ranks_above_confident_boxes(DetectionAggregation aggregation)
    {
        var confident = Build.Detected("sure", (0, 0.97f), (1, 0.95f));
        var borderline = Build.Detected("unsure", (0, 0.52f), (1, 0.45f));
        var empty = Build.Detected("empty");
        foreach (var strategy in new[] { MiningStrategy.LeastConfidence, MiningStrategy.Entropy, MiningStrategy.Margin })
        {
            var result = Miner.Mine([confident, empty, borderline],
                new MiningOptions { Strategy = strategy, TopK = 3, Aggregation = aggregation });
            Assert.Equal(["unsure.jpg", "sure.jpg", "empty.jpg"], result.Items.Select(i => i.FileName));
            Assert.Equal(0, result.Items[2].Score);
        }
    }

    [Fact]
    public void Aggregation_max_mean_sum_differ_as_documented()
    {
        var one = new[] { 0.9, 0.1, 0.2 };
        Assert.Equal(0.9, Uncertainty.Aggregate(one, DetectionAggregation.Max), 6);
        Assert.Equal(0.4, Uncertainty.Aggregate(one, DetectionAggregation.Mean), 6);
        Assert.Equal(1.2, Uncertainty.Aggregate(one, DetectionAggregation.Sum), 6);
    }

    [Fact]
    public void Sum_aggregation_prefers_the_crowded_uncertain_image_that_max_ties()
    {
        // both images hold one box at 0.5 (margin 1): max cannot tell them apart, sum ranks three uncertain boxes first
        var single = Build.Detected("single", (0, 0.50f));
        var crowded = Build.Detected("crowded", (0, 0.50f), (1, 0.55f), (2, 0.45f));
        var bySum = Miner.Mine([single, crowded], new MiningOptions { Strategy = MiningStrategy.Margin, TopK = 1, Aggregation = DetectionAggregation.Sum });
        Assert.Equal("crowded.jpg", bySum.Items[0].FileName);
        var byMax = Miner.Mine([single, crowded], new MiningOptions { Strategy = MiningStrategy.Margin, TopK = 2 });
        Assert.Equal(byMax.Items[0].Score, byMax.Items[1].Score, 6);
    }

    [Theory]
    [InlineData("max", DetectionAggregation.Max)]
    [InlineData(" Mean ", DetectionAggregation.Mean)]
    [InlineData("SUM", DetectionAggregation.Sum)]
    public void Aggregation_names_parse_and_print_back(string text, DetectionAggregation expected)
    {
        Assert.Equal(expected, MiningOptions.ParseAggregation(text));
        Assert.Equal(expected, MiningOptions.ParseAggregation(MiningOptions.AggregationName(expected)));
    }

    [Fact]
    public void Unknown_aggregation_is_a_clear_error()
    {
        var e = Assert.Throws<Seer.Core.Errors.SeerException>(() => MiningOptions.ParseAggregation("median"));
        Assert.Contains("--aggregate must be max, mean or sum (was 'median')", e.Message);
    }

    [Fact]
    public void Measures_are_zero_when_sure_and_one_when_uniform()
    {
        float[] sure = [1, 0, 0, 0];
        float[] uniform = [0.25f, 0.25f, 0.25f, 0.25f];
        Assert.Equal(0, Uncertainty.Entropy(sure), 6);
        Assert.Equal(1, Uncertainty.Entropy(uniform), 6);
        Assert.Equal(0, Uncertainty.Margin(sure), 6);
        Assert.Equal(1, Uncertainty.Margin(uniform), 6);
        Assert.Equal(0, Uncertainty.LeastConfidence(sure), 6);
        Assert.Equal(0.75, Uncertainty.LeastConfidence(uniform), 6);
    }
}
