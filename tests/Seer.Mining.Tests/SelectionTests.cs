using Seer.Mining.Inputs;

namespace Seer.Mining.Tests;

public class SelectionTests
{
    private static List<MiningCandidate> Pool(int n, int seed = 11)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i =>
        {
            float a = (float)rng.NextDouble();
            return Build.Classified($"img{i:D4}", a, (1 - a) * 0.7f, (1 - a) * 0.3f);
        }).ToList();
    }

    [Fact]
    public void Random_is_reproducible_per_seed_and_independent_of_order_and_chunking()
    {
        var pool = Pool(300);
        var a = Miner.Mine(pool, new MiningOptions { Strategy = MiningStrategy.Random, TopK = 20, Seed = 5 });
        var b = Miner.Mine(Enumerable.Reverse(pool), new MiningOptions { Strategy = MiningStrategy.Random, TopK = 20, Seed = 5, ChunkSize = 7 });
        var c = Miner.Mine(pool, new MiningOptions { Strategy = MiningStrategy.Random, TopK = 20, Seed = 6 });
        Assert.Equal(a.Items.Select(i => i.ContentHash), b.Items.Select(i => i.ContentHash));
        Assert.NotEqual(a.Items.Select(i => i.ContentHash), c.Items.Select(i => i.ContentHash));
    }

    [Fact]
    public void Chunked_mining_equals_mining_all_at_once()
    {
        var pool = Pool(500);
        var whole = Miner.Mine(pool, new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 25 });
        var chunked = Miner.Mine(pool, new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 25, ChunkSize = 13 });
        Assert.Equal(whole.Items.Select(i => i.ContentHash), chunked.Items.Select(i => i.ContentHash));
        Assert.Equal(500, chunked.Considered);
        var expected = pool.OrderByDescending(p => Scoring.Uncertainty.Entropy(p.Output.ClassProbabilities))
            .Take(25).Select(p => p.ContentHash).ToHashSet();
        Assert.True(expected.SetEquals(chunked.Items.Select(i => i.ContentHash)));
    }

    [Fact]
    public void Exact_duplicates_are_not_both_picked()
    {
        var a = Build.Classified("dup", 0.5f, 0.5f);
        var b = a with { FileName = "copy-of-dup.png" };
        var c = Build.Classified("other", 0.6f, 0.4f);
        var result = Miner.Mine([a, b, c], new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 2 });
        Assert.Equal(2, result.Items.Count);
        Assert.Single(result.Items, i => i.ContentHash == a.ContentHash);
        Assert.Contains(result.Items, i => i.FileName == "other.png");
        Assert.Equal(1, result.DuplicatesSkipped);
    }

    [Fact]
    public void Perceptual_near_duplicates_are_not_both_picked()
    {
        var a = Build.Classified("a", 0.5f, 0.5f) with { PerceptualHash = 0xF0F0_F0F0_0000_FFFFUL };
        var b = Build.Classified("b", 0.51f, 0.49f) with { PerceptualHash = 0xF0F0_F0F0_0000_FFFCUL }; // 2 bits apart
        var c = Build.Classified("c", 0.7f, 0.3f) with { PerceptualHash = 0x0F0F_0F0F_FFFF_0000UL };
        var result = Miner.Mine([a, b, c], new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 2 });
        Assert.Equal(["a.png", "c.png"], result.Items.Select(i => i.FileName));
        var off = Miner.Mine([a, b, c], new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 2, DuplicateHammingDistance = -1 });
        Assert.Equal(["a.png", "b.png"], off.Items.Select(i => i.FileName));
    }

    [Fact]
    public void Feature_near_duplicates_are_not_both_picked()
    {
        var a = Build.WithFeatures("a", [1, 0], 0.5f, 0.5f);
        var b = Build.WithFeatures("b", [1, 0.001f], 0.5f, 0.5f);
        var c = Build.WithFeatures("c", [0, 1], 0.6f, 0.4f);
        var result = Miner.Mine([a, b, c], new MiningOptions { Strategy = MiningStrategy.Margin, TopK = 2, DuplicateFeatureDistance = 0.05 });
        Assert.Equal(["a.png", "c.png"], result.Items.Select(i => i.FileName));
    }

    [Theory]
    [InlineData(MiningStrategy.Diversity)]
    [InlineData(MiningStrategy.Combined)]
    public void Feature_spreading_strategies_skip_a_near_duplicate_and_still_fill_the_budget(MiningStrategy strategy)
    {
        // a and b look alike (perceptual hashes 2 bits apart) but sit far apart in feature space, so k-center wants both.
        var a = Build.WithFeatures("a", [1, 0, 0], 0.5f, 0.5f) with { PerceptualHash = 0xFF00_FF00_FF00_FF00UL };
        var b = Build.WithFeatures("b", [0, 1, 0], 0.5f, 0.5f) with { PerceptualHash = 0xFF00_FF00_FF00_FF03UL };
        var c = Build.WithFeatures("c", [0, 0, 1], 0.55f, 0.45f) with { PerceptualHash = 0x00FF_00FF_00FF_00FFUL };
        var d = Build.WithFeatures("d", [1, 1, 1], 0.6f, 0.4f) with { PerceptualHash = 0x0F0F_0F0F_0F0F_0F0FUL };
        foreach (int seed in new[] { 1, 2, 3, 4, 5 })
        {
            var result = Miner.Mine([a, b, c, d], new MiningOptions { Strategy = strategy, TopK = 3, Seed = seed });
            var names = result.Items.Select(i => i.FileName).ToHashSet();
            Assert.Equal(3, result.Items.Count);
            Assert.False(names.Contains("a.png") && names.Contains("b.png"), $"seed {seed}: both near-duplicates picked");
            Assert.Equal(["a.png", "c.png", "d.png"], names.Select(n => n == "b.png" ? "a.png" : n).Order());
        }
    }

    [Fact]
    public void Excluded_images_are_never_picked()
    {
        var pool = Pool(50);
        var top = Miner.Mine(pool, new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 5 });
        var exclude = top.Items.Select(i => i.ContentHash).ToHashSet(StringComparer.Ordinal);
        var next = Miner.Mine(pool, new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 5, Exclude = exclude });
        Assert.Equal(5, next.Excluded);
        Assert.DoesNotContain(next.Items, i => exclude.Contains(i.ContentHash));
        Assert.Equal(5, next.Items.Count);
    }

    [Fact]
    public void Class_quota_for_a_rare_class_is_kept()
    {
        // 40 ambiguous images of class 0, 3 fairly confident images of rare class 2.
        var pool = Enumerable.Range(0, 40).Select(i => Build.Classified($"common{i}", 0.45f, 0.40f, 0.15f)).ToList();
        pool.AddRange(Enumerable.Range(0, 3).Select(i => Build.Classified($"rare{i}", 0.05f, 0.10f, 0.85f - i * 0.01f)));
        var plain = Miner.Mine(pool, new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 10, ChunkSize = 8 });
        Assert.DoesNotContain(plain.Items, i => i.FileName.StartsWith("rare", StringComparison.Ordinal));
        var quota = Miner.Mine(pool, new MiningOptions
        {
            Strategy = MiningStrategy.Entropy, TopK = 10, ChunkSize = 8, ClassQuotas = new Dictionary<int, int> { [2] = 2 },
        });
        Assert.Equal(10, quota.Items.Count);
        var rare = quota.Items.Where(i => i.FileName.StartsWith("rare", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rare.Count);
        Assert.All(rare, r => Assert.Equal("quota:2", r.Reason));
        Assert.Equal(["rare2.png", "rare1.png"], rare.Select(r => r.FileName)); // the two most uncertain of the class
    }

    [Fact]
    public void Quotas_larger_than_topk_are_rejected()
    {
        var ex = Assert.Throws<Core.Errors.SeerException>(() => Miner.Mine(Pool(5),
            new MiningOptions { TopK = 2, ClassQuotas = new Dictionary<int, int> { [0] = 3 } }));
        Assert.Contains("quotas", ex.Message);
    }
}
