using Seer.Training.Data;

namespace Seer.Training.Tests;

public sealed class DataPathTests
{
    [Fact]
    public void Prefetcher_YieldsEveryItemInOrder_WithBoundedLookahead()
    {
        int started = 0, maxAhead = 0, consumed = 0;
        var items = new List<int>();
        foreach (int item in Prefetcher.Run(50, i =>
                 {
                     int ahead = Interlocked.Increment(ref started) - Volatile.Read(ref consumed);
                     InterlockedMax(ref maxAhead, ahead);
                     return i * i;
                 }, depth: 3, CancellationToken.None))
        {
            items.Add(item);
            Interlocked.Increment(ref consumed);
        }
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i * i), items);
        Assert.True(maxAhead <= 5, $"built {maxAhead} items ahead of the consumer with depth 3");
    }

    [Fact]
    public void Prefetcher_DepthZero_BuildsEachItemOnTheConsumersThread_WhenAskedFor()
    {
        int consumer = Environment.CurrentManagedThreadId, built = 0;
        var items = new List<int>();
        foreach (int item in Prefetcher.Run(20, i =>
                 {
                     Assert.Equal(consumer, Environment.CurrentManagedThreadId);
                     Assert.Equal(items.Count, i); // nothing is built ahead of the consumer
                     built++;
                     return i + 1;
                 }, depth: 0, CancellationToken.None))
            items.Add(item);
        Assert.Equal(Enumerable.Range(1, 20), items);
        Assert.Equal(20, built);
    }

    [Fact]
    public void SingleThreadRun_PrefetchesNothing()
    {
        Assert.Equal(0, new Seer.Training.Options.TrainingOptions { Threads = 1, Prefetch = 2 }.PrefetchDepth);
        Assert.Equal(2, new Seer.Training.Options.TrainingOptions { Threads = 2, Prefetch = 2 }.PrefetchDepth);
        Assert.Equal(2, new Seer.Training.Options.TrainingOptions { Threads = 0, Prefetch = 2 }.PrefetchDepth);
    }

    [Fact]
    public void Mixup_BlendsEachImageWithItsPartner_AndNamesThePartnersClass()
    {
        const int n = 8, plane = 3 * 4 * 4;
        var images = new float[n * plane];
        for (int k = 0; k < n; k++) images.AsSpan(k * plane, plane).Fill(k); // image k is all k
        var batch = new ClassificationBatch(images, Enumerable.Range(0, n).Select(k => (long)(k + 100)).ToArray(), 4);
        var lambdas = new List<double>();
        for (int seed = 0; seed < 200; seed++)
        {
            var mixed = Seer.Training.Engine.ClassificationTrainer.Mix(batch, new Random(seed), alpha: 0.2);
            double l = mixed.Lambda;
            Assert.InRange(l, 0, 1);
            lambdas.Add(l);
            Assert.NotNull(mixed.MixedLabels);
            for (int k = 0; k < n; k++)
            {
                long partner = mixed.MixedLabels![k] - 100; // the partner's class says which image it is
                float expected = (float)(l * k + (1 - l) * partner);
                Assert.All(mixed.Images.AsSpan(k * plane, plane).ToArray(), v => Assert.Equal(expected, v, 3));
            }
            Assert.Equal(Enumerable.Range(0, n).Select(k => (long)(k + 100)), mixed.MixedLabels!.Order()); // a permutation
            Assert.Equal(images, batch.Images); // the input batch is left as it was
        }
        // Beta(0.2, 0.2) is U-shaped with mean 0.5: most draws near 0 or 1, some in the middle
        Assert.InRange(lambdas.Average(), 0.4, 0.6);
        Assert.InRange(lambdas.Count(l => l is < 0.1 or > 0.9) / (double)lambdas.Count, 0.45, 0.85);
        Assert.Equal(Seer.Training.Engine.ClassificationTrainer.Mix(batch, new Random(7), 0.2).Images,
            Seer.Training.Engine.ClassificationTrainer.Mix(batch, new Random(7), 0.2).Images); // seeded: repeatable
    }

    [Fact]
    public void Prefetcher_PropagatesWorkerErrors()
    {
        var ex = Assert.Throws<InvalidDataException>(() =>
            Prefetcher.Run(10, i => i == 4 ? throw new InvalidDataException("bad image 4") : i, 2, CancellationToken.None).ToList());
        Assert.Equal("bad image 4", ex.Message);
    }

    [Fact]
    public void BalancedSampling_DrawsClassesEqually_FromImbalancedData()
    {
        int[] classes = [.. Enumerable.Repeat(0, 90), .. Enumerable.Repeat(1, 9), 2];
        int[] order = EpochSampler.Order(classes, "balanced", seed: 1, epoch: 0);
        Assert.Equal(100, order.Length);
        var counts = order.GroupBy(i => classes[i]).ToDictionary(g => g.Key, g => g.Count());
        Assert.InRange(counts[0], 33, 34);
        Assert.InRange(counts[2], 33, 34); // the single minority image is over-sampled
        Assert.Equal(EpochSampler.Order(classes, "balanced", 1, 0), order);
        Assert.NotEqual(EpochSampler.Order(classes, "balanced", 1, 1), order);
        Assert.Equal(Enumerable.Range(0, 100), EpochSampler.Order(classes, "none", 1, 0).Order());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
