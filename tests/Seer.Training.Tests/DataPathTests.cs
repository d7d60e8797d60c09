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
