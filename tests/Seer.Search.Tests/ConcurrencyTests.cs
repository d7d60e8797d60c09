namespace Seer.Search.Tests;

public class ConcurrencyTests
{
    [StressTheory]
    [InlineData(IndexKind.Exact)]
    [InlineData(IndexKind.Hnsw)]
    public async Task Searches_DuringAddsAndRemoves_SeeWholeWritesOnly(IndexKind index)
    {
        // Each write adds or removes a pair (a_i, b_i) sharing one vector, in one call. A search for that vector
        // must find both or neither: seeing only one would mean it saw half a write.
        const int dim = 16, pairs = 300;
        var vectors = TestVectors.Gaussian(pairs, dim, seed: 8, normalize: true);
        var workspace = new SearchWorkspace(TestVectors.NewTempDir());
        using var group = workspace.Create("live", new FeatureGroupOptions
        {
            Dimension = dim, Metric = DistanceMetric.InnerProduct, Index = index, M = 8, EfConstruction = 48, EfSearch = 48,
        });
        group.AddRows(TestVectors.Ids(50, "base"), TestVectors.Gaussian(50, dim, seed: 9, normalize: true));
        using var done = new CancellationTokenSource();

        var writer = Task.Run(() =>
        {
            for (int i = 0; i < pairs; i++)
            {
                var v = vectors.AsSpan(i * dim, dim).ToArray();
                group.Add([new FeatureItem($"a{i}", v), new FeatureItem($"b{i}", v)]);
                if (i % 3 == 0) group.Remove([$"a{i}", $"b{i}"]);
            }
            done.Cancel();
        });
        int checks = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var rng = new Random(r);
            while ((!done.IsCancellationRequested || checks < 200) && !writer.IsFaulted && clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                int i = rng.Next(pairs);
                var hits = group.Search(vectors.AsSpan(i * dim, dim), 2);
                bool a = hits.Any(h => h.Id == $"a{i}"), b = hits.Any(h => h.Id == $"b{i}");
                Assert.Equal(a, b);
                Interlocked.Increment(ref checks);
            }
        })).ToArray();

        await writer.WaitAsync(TimeSpan.FromMinutes(1));
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(50 + 2 * (pairs - pairs / 3), group.Count);
        Assert.True(checks >= 200);
    }
}
