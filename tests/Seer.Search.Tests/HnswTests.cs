namespace Seer.Search.Tests;

public class HnswTests
{
    private static double Recall(FeatureGroup approx, FeatureGroup exact, float[] queries, int k)
    {
        var truth = exact.SearchBatch(queries, k);
        var found = approx.SearchBatch(queries, k);
        int hits = 0;
        for (int q = 0; q < truth.Count; q++)
        {
            var expected = truth[q].Select(h => h.Id).ToHashSet();
            hits += found[q].Count(h => expected.Contains(h.Id));
        }
        return hits / (double)(truth.Count * k);
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine, 1)]
    [InlineData(DistanceMetric.L2, 2)]
    public void Hnsw_RecallAt10OnAFixedClusteredSet_IsAboveTheFloor(DistanceMetric metric, int threads)
    {
        const int dim = 32, rows = 6000, nq = 100;
        var data = TestVectors.Clustered(rows, dim, clusters: 60, spread: 0.8f, seed: 11);
        var queries = TestVectors.Clustered(nq, dim, clusters: 60, spread: 0.8f, seed: 12);
        var options = new FeatureGroupOptions { Dimension = dim, Metric = metric, Index = IndexKind.Hnsw, M = 12, EfConstruction = 100, EfSearch = 64 };
        using var hnsw = FeatureGroup.CreateInMemory("h", options);
        using var exact = FeatureGroup.CreateInMemory("e", options with { Index = IndexKind.Exact });
        hnsw.Threads = threads;
        hnsw.AddRows(TestVectors.Ids(rows), data);
        exact.AddRows(TestVectors.Ids(rows), data);

        double recall = Recall(hnsw, exact, queries, 10);

        Assert.True(recall >= 0.95, $"HNSW recall@10 was {recall:0.000}");
    }

    [Fact]
    public void Hnsw_InsertsOneByOneAndNeverReturnsTombstones()
    {
        const int dim = 16, rows = 1500;
        var data = TestVectors.Gaussian(rows, dim, seed: 21, normalize: true);
        var options = new FeatureGroupOptions { Dimension = dim, Metric = DistanceMetric.InnerProduct, Index = IndexKind.Hnsw, M = 8, EfConstruction = 64, EfSearch = 64 };
        using var hnsw = FeatureGroup.CreateInMemory("h", options);
        using var exact = FeatureGroup.CreateInMemory("e", options with { Index = IndexKind.Exact });
        for (int i = 0; i < rows; i++)
        {
            var item = new FeatureItem(i.ToString(), data.AsSpan(i * dim, dim).ToArray());
            hnsw.Add([item]);
            exact.Add([item]);
        }
        var removed = Enumerable.Range(0, rows).Where(i => i % 3 == 0).Select(i => i.ToString()).ToArray();
        hnsw.Remove(removed);
        exact.Remove(removed);
        var queries = data.AsSpan(0, 60 * dim).ToArray(); // the removed items' own vectors among them

        var results = hnsw.SearchBatch(queries, 10);

        var gone = removed.ToHashSet();
        Assert.All(results, list => Assert.DoesNotContain(list, h => gone.Contains(h.Id)));
        Assert.All(results, list => Assert.Equal(10, list.Count));
        Assert.True(Recall(hnsw, exact, queries, 10) >= 0.9);
    }

    [Fact]
    public void Hnsw_UpsertMovesAnItem()
    {
        const int dim = 8;
        var data = TestVectors.Gaussian(300, dim, seed: 2, normalize: true);
        using var group = FeatureGroup.CreateInMemory("h", new FeatureGroupOptions { Dimension = dim, Metric = DistanceMetric.InnerProduct, Index = IndexKind.Hnsw });
        group.AddRows(TestVectors.Ids(300), data);
        var target = data.AsSpan(7 * dim, dim).ToArray();

        group.Upsert([new FeatureItem("100", target, "moved")]);

        var hits = group.Search(target, 2);
        Assert.Contains(hits, h => h.Id == "100");
        Assert.Contains(hits, h => h.Id == "7");
        Assert.Equal("moved", group.Get("100")!.Metadata);
        Assert.Equal(300, group.Count);
    }
}
