namespace Seer.Search.Tests;

public class ConcurrencyTests
{
    [Theory]
    [InlineData(IndexKind.Exact, false)]
    [InlineData(IndexKind.Hnsw, false)]
    [InlineData(IndexKind.Exact, true)]
    public async Task Searches_DuringAddsAndRemoves_SeeOnlyStatesThatExisted(IndexKind index, bool stored)
    {
        // The writer adds pairs (a_i, b_i) sharing one vector in one call, and removes every third pair again.
        // Readers search for pair vectors meanwhile and check that the state they see existed: a pair is found whole
        // or not at all (never half a write); a pair whose add was acknowledged before the search began is found
        // unless its removal had begun; a pair whose removal was acknowledged before the search began never comes
        // back. In memory the writes come fast (many interleavings); stored, each write is fsynced to the log
        // outside the lock while searches go on (fewer writes: each costs a disk flush; the fsync path is the same
        // for both index kinds).
        const int dim = 16;
        int pairs = stored ? 20 : 150;
        var vectors = TestVectors.Gaussian(pairs, dim, seed: 8, normalize: true);
        var workspace = new SearchWorkspace(TestVectors.NewTempDir());
        var options = new FeatureGroupOptions
        {
            Dimension = dim, Metric = DistanceMetric.InnerProduct, Index = index, M = 8, EfConstruction = 64, EfSearch = 64,
        };
        var group = stored ? workspace.Create("live", options) : FeatureGroup.CreateInMemory("live", options);
        group.AddRows(TestVectors.Ids(50, "base"), TestVectors.Gaussian(50, dim, seed: 9, normalize: true));
        // 0 = not added, 1 = add acknowledged, 2 = removal begun, 3 = removal acknowledged.
        var state = new int[pairs];
        bool writerDone = false;

        var writer = Task.Run(() =>
        {
            try
            {
                for (int i = 0; i < pairs; i++)
                {
                    var v = vectors.AsSpan(i * dim, dim).ToArray();
                    group.Add([new FeatureItem($"a{i}", v), new FeatureItem($"b{i}", v)]);
                    Volatile.Write(ref state[i], 1);
                    if (i % 3 != 0) continue;
                    Volatile.Write(ref state[i], 2);
                    group.Remove([$"a{i}", $"b{i}"]);
                    Volatile.Write(ref state[i], 3);
                }
            }
            finally { Volatile.Write(ref writerDone, true); }
        });
        int checks = 0, seenWhole = 0;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var rng = new Random(r);
            // Runs while the writer runs, then a few more rounds on the final state.
            for (int after = 0; after < 50; after += Volatile.Read(ref writerDone) ? 1 : 0)
            {
                int i = rng.Next(pairs);
                int before = Volatile.Read(ref state[i]);
                var hits = group.Search(vectors.AsSpan(i * dim, dim), 4);
                bool a = hits.Any(h => h.Id == $"a{i}"), b = hits.Any(h => h.Id == $"b{i}");
                Assert.True(a == b, $"search saw half of a write: a{i} {a}, b{i} {b}");
                if (before == 1) Assert.True(a, $"pair {i} was acknowledged as added but a search after that missed it");
                if (before == 3) Assert.False(a, $"pair {i} was acknowledged as removed but a search after that found it");
                if (a) Interlocked.Increment(ref seenWhole);
                Interlocked.Increment(ref checks);
            }
        })).ToArray();

        // Guards against a hang only (a hung test would stall the whole run); not a speed assertion.
        await Task.WhenAll([writer, .. readers]).WaitAsync(TimeSpan.FromMinutes(3));

        int expected = 50 + 2 * (pairs - (pairs + 2) / 3);
        Assert.Equal(expected, group.Count);
        Assert.True(checks >= 100 && seenWhole > 0, $"{checks} checks, {seenWhole} pairs seen");
        group.Dispose();
        if (!stored) return;
        using var reopened = workspace.Open("live");
        Assert.Equal(expected, reopened.Count);
    }
}
