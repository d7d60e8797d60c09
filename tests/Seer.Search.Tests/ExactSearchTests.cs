namespace Seer.Search.Tests;

public class ExactSearchTests
{
    [Theory]
    [InlineData(DistanceMetric.InnerProduct, 13, 1)]
    [InlineData(DistanceMetric.Cosine, 64, 2)]
    [InlineData(DistanceMetric.L2, 37, 2)]
    [InlineData(DistanceMetric.InnerProduct, 512, 2)]
    public void ExactSearch_EqualsNaiveLoop(DistanceMetric metric, int dim, int threads)
    {
        const int rows = 3001, nq = 7, k = 10;
        var data = TestVectors.Gaussian(rows, dim, seed: dim);
        var queries = TestVectors.Gaussian(nq, dim, seed: dim + 100);
        using var group = FeatureGroup.CreateInMemory("g", new FeatureGroupOptions { Dimension = dim, Metric = metric });
        group.Threads = threads;
        group.AddRows(TestVectors.Ids(rows), data);

        var results = group.SearchBatch(queries, k);

        Assert.Equal(nq, results.Count);
        for (int q = 0; q < nq; q++)
        {
            var naive = TestVectors.NaiveScores(data, dim, queries.AsSpan(q * dim, dim), metric);
            var order = Enumerable.Range(0, rows)
                .OrderBy(i => metric == DistanceMetric.L2 ? naive[i] : -naive[i]).Take(k).ToArray();
            Assert.Equal(k, results[q].Count);
            for (int i = 0; i < k; i++)
            {
                // Same ranking; the score of each hit equals the naive score of that item.
                Assert.Equal(naive[order[i]], results[q][i].Score, 1e-3 * Math.Max(1, Math.Abs(naive[order[i]])));
                Assert.Equal(naive[int.Parse(results[q][i].Id)], results[q][i].Score, 1e-3 * Math.Max(1, Math.Abs(naive[order[i]])));
            }
            Assert.Equal(order.Select(i => i.ToString()), results[q].Select(h => h.Id));
        }
    }

    [Fact]
    public void ExactSearch_SkipsRemovedItemsAndHonoursThreshold()
    {
        const int dim = 20;
        var data = TestVectors.Gaussian(500, dim, seed: 3, normalize: true);
        using var group = FeatureGroup.CreateInMemory("g", new FeatureGroupOptions { Dimension = dim, Metric = DistanceMetric.InnerProduct });
        group.AddRows(TestVectors.Ids(500), data);
        var query = data.AsSpan(42 * dim, dim).ToArray();

        Assert.Equal("42", group.Search(query, 1)[0].Id);
        group.Remove(["42"]);
        var hits = group.Search(query, 5);
        Assert.DoesNotContain(hits, h => h.Id == "42");
        Assert.Equal(499, group.Count);

        var thresholded = group.Search(query, 50, threshold: 0.3f);
        Assert.All(thresholded, h => Assert.True(h.Score >= 0.3f));
        var naive = TestVectors.NaiveScores(data, dim, query, DistanceMetric.InnerProduct);
        int expected = naive.Where((s, i) => i != 42 && s >= 0.3).Count();
        Assert.Equal(Math.Min(50, expected), thresholded.Count);
    }

    [Fact]
    public void Int8Quantisation_FindsNearlyTheExactNeighboursWithExactScores()
    {
        const int dim = 96, rows = 4000, nq = 20, k = 10;
        var data = TestVectors.Clustered(rows, dim, clusters: 40, spread: 0.6f, seed: 5);
        var queries = TestVectors.Clustered(nq, dim, clusters: 40, spread: 0.6f, seed: 6);
        using var exact = FeatureGroup.CreateInMemory("e", new FeatureGroupOptions { Dimension = dim, Metric = DistanceMetric.InnerProduct });
        using var quantised = FeatureGroup.CreateInMemory("q", new FeatureGroupOptions
        {
            Dimension = dim, Metric = DistanceMetric.InnerProduct, Quantization = VectorQuantization.Int8,
        });
        exact.AddRows(TestVectors.Ids(rows), data);
        quantised.AddRows(TestVectors.Ids(rows), data);

        var truth = exact.SearchBatch(queries, k);
        var approx = quantised.SearchBatch(queries, k);

        int found = 0;
        for (int q = 0; q < nq; q++)
        {
            var expected = truth[q].Select(h => h.Id).ToHashSet();
            found += approx[q].Count(h => expected.Contains(h.Id));
            var naive = TestVectors.NaiveScores(data, dim, queries.AsSpan(q * dim, dim), DistanceMetric.InnerProduct);
            foreach (var hit in approx[q]) Assert.Equal(naive[int.Parse(hit.Id)], hit.Score, 1e-4);
        }
        Assert.True(found >= 0.98 * nq * k, $"int8 + re-rank recall@10 was {found / (double)(nq * k):0.000}");
    }
}
