using Seer.Core.Geometry;
using Seer.Mining.Inputs;

namespace Seer.Mining.Tests;

public class ConsistencyAndDiversityTests
{
    private static MiningCandidate WithView(string id, ScoredDetection[] original, ScoredDetection[] flipped) =>
        new(Build.Hash(id), id + ".jpg", ModelOutput.Detector(original))
        {
            Augmented = [new AugmentedView("hflip", ModelOutput.Detector(flipped))],
        };

    [Fact]
    public void Detector_whose_flipped_copy_disagrees_ranks_above_a_stable_one()
    {
        var box = new BoxXyxy(10, 10, 50, 60);
        var stable = WithView("stable", [new(box, 0, 0.9f)], [new(new BoxXyxy(11, 10, 51, 60), 0, 0.88f)]);
        var moved = WithView("moved", [new(box, 0, 0.9f)], [new(new BoxXyxy(30, 30, 80, 90), 0, 0.85f)]);
        var relabelled = WithView("relabelled", [new(box, 0, 0.9f)], [new(box, 1, 0.8f)]);
        var result = Miner.Mine([stable, moved, relabelled], new MiningOptions { Strategy = MiningStrategy.Consistency, TopK = 3 });
        Assert.Equal("stable.jpg", result.Items[2].FileName);
        Assert.True(result.Items[2].Score < 0.1, $"stable image scored {result.Items[2].Score}");
        Assert.True(result.Items[1].Score > 0.5);
    }

    [Fact]
    public void Classifier_whose_augmented_prediction_flips_class_ranks_first()
    {
        MiningCandidate Make(string id, float[] p, float[] q) => new(Build.Hash(id), id, ModelOutput.Classifier(p))
        {
            Augmented = [new AugmentedView("hflip", ModelOutput.Classifier(q))],
        };
        var same = Make("same", [0.8f, 0.2f], [0.79f, 0.21f]);
        var flips = Make("flips", [0.8f, 0.2f], [0.1f, 0.9f]);
        var result = Miner.Mine([same, flips], new MiningOptions { Strategy = MiningStrategy.Consistency, TopK = 2 });
        Assert.Equal(["flips", "same"], result.Items.Select(i => i.FileName));
    }

    [Fact]
    public void Diversity_picks_one_image_per_cluster_before_a_second_from_any()
    {
        var rng = new Random(3);
        float[][] centres = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, 0, 0]];
        var candidates = new List<MiningCandidate>();
        for (int c = 0; c < centres.Length; c++)
            for (int i = 0; i < 10; i++)
            {
                var f = centres[c].Select(v => v + (float)(rng.NextDouble() * 0.05)).ToArray();
                candidates.Add(Build.WithFeatures($"c{c}-{i}", f, 0.5f, 0.5f));
            }
        for (int seed = 0; seed < 3; seed++)
        {
            var result = Miner.Mine(candidates, new MiningOptions { Strategy = MiningStrategy.Diversity, TopK = 4, Seed = seed });
            var clusters = result.Items.Select(i => i.FileName.Split('-')[0]).ToList();
            Assert.Equal(4, clusters.Distinct().Count());
        }
    }

    [Fact]
    public void Diversity_skips_the_cluster_already_labelled()
    {
        var a = Build.WithFeatures("a", [1, 0], 0.5f, 0.5f);
        var b = Build.WithFeatures("b", [0, 1], 0.5f, 0.5f);
        var result = Miner.Mine([a, b], new MiningOptions
        {
            Strategy = MiningStrategy.Diversity, TopK = 1, LabelledFeatures = [[1, 0.01f]],
        });
        Assert.Equal("b.png", Assert.Single(result.Items).FileName);
    }

    [Fact]
    public void Combined_takes_uncertain_images_then_spreads_them()
    {
        // Two uncertain images nearly identical in feature space, one uncertain far away, one confident far away.
        var u1 = Build.WithFeatures("u1", [1, 0, 0], 0.5f, 0.5f);
        var u2 = Build.WithFeatures("u2", [1, 0.02f, 0], 0.51f, 0.49f);
        var u3 = Build.WithFeatures("u3", [0, 1, 0], 0.55f, 0.45f);
        var u4 = Build.WithFeatures("u4", [1, 0, 0.02f], 0.52f, 0.48f);
        var sure = Build.WithFeatures("sure", [0, 0, 1], 0.99f, 0.01f);
        var result = Miner.Mine([u1, u2, u3, u4, sure], new MiningOptions
        {
            Strategy = MiningStrategy.Combined, TopK = 2, CombinedPreselectFactor = 1,
        });
        // Factor 1 keeps only the 2 most uncertain (u1, u2, one cluster); factor 2 keeps the 4 uncertain, then spreads.
        var spread = Miner.Mine([u1, u2, u3, u4, sure], new MiningOptions
        {
            Strategy = MiningStrategy.Combined, TopK = 2, CombinedPreselectFactor = 2, Seed = 1,
        });
        Assert.Equal(2, result.Items.Count);
        var names = spread.Items.Select(i => i.FileName).ToHashSet();
        Assert.Contains("u3.png", names);
        Assert.DoesNotContain("sure.png", names);
        Assert.Single(names, n => n is "u1.png" or "u2.png" or "u4.png");
        Assert.Equal(["u1.png", "u2.png"], result.Items.Select(i => i.FileName).Order());
    }

    [Fact]
    public void Diversity_without_features_names_the_image()
    {
        var ex = Assert.Throws<Core.Errors.SeerException>(() => Miner.Mine([Build.Classified("nofeat", 0.5f, 0.5f)],
            new MiningOptions { Strategy = MiningStrategy.Diversity, TopK = 1 }));
        Assert.Contains("nofeat.png", ex.Message);
    }
}
