using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Search.Clustering;

namespace Seer.Search.Tests;

/// <summary>Clustering over the k-NN graph: hand-placed vectors whose right answer is known.</summary>
public sealed class ClusteringTests
{
    /// <summary>Rows of the given 8-d vectors, row-major.</summary>
    private static float[] Rows(params float[][] rows) => rows.SelectMany(r => r).ToArray();

    private static float[] Axis(int axis, float wobble, int other)
    {
        var v = new float[8];
        v[axis] = 1;
        v[other] = wobble;
        return v;
    }

    /// <summary>Three tight groups of five along axes 0, 1, 2, and one vector alone along axis 7.</summary>
    private static float[] ThreeGroupsAndALoner()
    {
        var rows = new List<float[]>();
        for (int g = 0; g < 3; g++)
            for (int i = 0; i < 5; i++) rows.Add(Axis(g, 0.05f * (i - 2), 3 + i % 4));
        rows.Add(Axis(7, 0, 6));
        return Rows([.. rows]);
    }

    /// <summary>Groups of six along axes 0 and 1; one vector halfway (cosine 0.707 to both) bridges them at threshold 0.6.</summary>
    private static float[] BridgedGroups()
    {
        var rows = new List<float[]>();
        for (int i = 0; i < 6; i++) rows.Add(Axis(0, 0.04f * (i - 2), 2 + i % 5));
        for (int i = 0; i < 6; i++) rows.Add(Axis(1, 0.04f * (i - 2), 2 + i % 5));
        var bridge = new float[8];
        bridge[0] = bridge[1] = 1;
        rows.Add(bridge);
        return Rows([.. rows]);
    }

    /// <summary>On a circle: group A at 0-8 degrees, group B at 56-64, and a chain at 20, 32, 44 degrees whose links (12
    /// degrees) pass the threshold cos 13 degrees.</summary>
    private static float[] ChainedGroups()
    {
        float[] angles = [0, 2, 4, 6, 8, 56, 58, 60, 62, 64, 20, 32, 44];
        return Rows([.. angles.Select(a => { var v = new float[8]; v[0] = MathF.Cos(a * MathF.PI / 180); v[1] = MathF.Sin(a * MathF.PI / 180); return v; })]);
    }

    [Theory]
    [InlineData(ClusterMethod.Components, IndexKind.Hnsw)]
    [InlineData(ClusterMethod.ChineseWhispers, IndexKind.Hnsw)]
    [InlineData(ClusterMethod.ChineseWhispers, IndexKind.Exact)]
    [InlineData(ClusterMethod.Linkage, IndexKind.Hnsw)]
    [InlineData(ClusterMethod.Density, IndexKind.Exact)]
    [InlineData(ClusterMethod.Infomap, IndexKind.Hnsw)]
    public void SeparateGroups_BecomeClusters_TheLonerASingleton(ClusterMethod method, IndexKind index)
    {
        var result = Clusterer.Run(ThreeGroupsAndALoner(), 8, new ClusteringOptions { Method = method, Index = index, Threshold = 0.8f, K = 6 });

        Assert.Equal(3, result.Clusters.Count);
        Assert.All(result.Clusters, c => Assert.Equal(5, c.Size));
        Assert.Equal([1, 2, 3], result.Clusters.Select(c => c.Number));
        Assert.Equal(1, result.Singletons);
        Assert.Equal(-1, result.Labels[15]);
        for (int g = 0; g < 3; g++)
        {
            var labels = result.Labels.Skip(5 * g).Take(5).Distinct().ToList();
            Assert.Single(labels);
            Assert.True(labels[0] >= 0);
        }
        Assert.Equal(3, result.Labels.Take(15).Distinct().Count());
        Assert.All(result.Clusters, c => Assert.InRange(c.Cohesion, 0.99, 1.0));
    }

    [Fact]
    public void ABridgeJoinsComponents_ButNotChineseWhispers()
    {
        var vectors = BridgedGroups();

        var components = Clusterer.Run(vectors, 8, new ClusteringOptions { Method = ClusterMethod.Components, Threshold = 0.6f, K = 8 });
        var whispers = Clusterer.Run(vectors, 8, new ClusteringOptions { Method = ClusterMethod.ChineseWhispers, Threshold = 0.6f, K = 8 });

        Assert.Single(components.Clusters);
        Assert.Equal(13, components.Clusters[0].Size);
        Assert.Equal(2, whispers.Clusters.Count);
        Assert.Single(whispers.Labels.Take(6).Distinct());
        Assert.Single(whispers.Labels.Skip(6).Take(6).Distinct());
        Assert.NotEqual(whispers.Labels[0], whispers.Labels[6]);
        Assert.Equal([7, 6], whispers.Clusters.Select(c => c.Size));
    }

    [Fact]
    public void AChainOfSparseImages_JoinsComponents_ButNotDensity()
    {
        // ChainedGroups: each chain image has two links (not a core at 3); A and B's images have four each (cores).
        var vectors = ChainedGroups();
        var options = new ClusteringOptions { Threshold = MathF.Cos(13 * MathF.PI / 180), K = 8, Index = IndexKind.Exact };

        var components = Clusterer.Run(vectors, 8, options with { Method = ClusterMethod.Components });
        var density = Clusterer.Run(vectors, 8, options with { Method = ClusterMethod.Density });

        Assert.Single(components.Clusters);
        Assert.Equal(13, components.Clusters[0].Size);
        Assert.Equal(2, density.Clusters.Count);
        // The chain's ends join the group whose core they touch (borders); its middle touches no core and stays alone.
        Assert.Single(density.Labels.Take(5).Append(density.Labels[10]).Distinct());
        Assert.Single(density.Labels.Skip(5).Take(5).Append(density.Labels[12]).Distinct());
        Assert.NotEqual(density.Labels[0], density.Labels[5]);
        Assert.Equal(-1, density.Labels[11]);
        Assert.Equal(1, density.Singletons);
        Assert.Equal(ClusterMethod.Density, ClusterMethods.Parse("density"));
        Assert.Equal("density", ClusterMethods.Name(ClusterMethod.Density));
    }

    [Fact]
    public void NeitherABridgeNorAChain_JoinsTwoGroupsUnderAverageLinkage()
    {
        // The bridge joins one group (0.707 >= 0.6), but that group and the other average about 0.1 over their 7 x 6 pairs.
        var bridged = Clusterer.Run(BridgedGroups(), 8, new ClusteringOptions { Method = ClusterMethod.Linkage, Threshold = 0.6f, K = 8, MergeCentres = false });
        Assert.Equal(2, bridged.Clusters.Count);
        Assert.Single(bridged.Labels.Take(6).Distinct());
        Assert.Single(bridged.Labels.Skip(6).Take(6).Distinct());
        Assert.NotEqual(bridged.Labels[0], bridged.Labels[6]);
        Assert.Equal([7, 6], bridged.Clusters.Select(c => c.Size));

        // Each link of the chain passes the threshold, but no chain image is close to most of a group, so the groups stay
        // apart and the chain stays out of them.
        var chained = Clusterer.Run(ChainedGroups(), 8, new ClusteringOptions { Method = ClusterMethod.Linkage, Threshold = MathF.Cos(13 * MathF.PI / 180), K = 8, Index = IndexKind.Exact, MergeCentres = false });
        int a = chained.Labels[0], b = chained.Labels[5];
        Assert.True(a >= 0 && b >= 0 && a != b);
        Assert.All(chained.Labels.Take(5), l => Assert.Equal(a, l));
        Assert.All(chained.Labels.Skip(5).Take(5), l => Assert.Equal(b, l));
        Assert.All(chained.Labels.Skip(10), l => Assert.True(l != a && l != b));
        // No centre merge after linkage: the pairs of ClustersWithCloseCentres_AreMerged have centres 0.930 similar, but
        // their average pairwise similarity is 0.922, below 0.925.
        var pairs = Clusterer.Run(new float[] { 1, 0.1f, 1, -0.1f, 1, 0.3f, 1, 0.5f }, 2,
            new ClusteringOptions { Method = ClusterMethod.Linkage, Threshold = 0.925f, K = 3, Index = IndexKind.Exact, MergeCentres = true });
        Assert.Equal(2, pairs.Clusters.Count);
        Assert.Equal(0, pairs.MergedByCentre);
        Assert.Equal(ClusterMethod.Linkage, ClusterMethods.Parse("linkage"));
        Assert.Equal("linkage", ClusterMethods.Name(ClusterMethod.Linkage));
    }

    /// <summary>A graph of n nodes with the given undirected edges (each listed by both ends, most similar first); the
    /// vectors are placeholders (the clustering reads only the edges when the centre merge is off).</summary>
    private static KnnGraph Edges(int n, IEnumerable<(int A, int B, float S)> edges)
    {
        var lists = Enumerable.Range(0, n).Select(_ => new List<(int J, float S)>()).ToArray();
        foreach (var (a, b, sim) in edges)
        {
            lists[a].Add((b, sim));
            lists[b].Add((a, sim));
        }
        var placeholder = KnnGraph.Build(Enumerable.Range(0, n).SelectMany(i => new[] { 1f, i }).ToArray(), 2, 1, IndexKind.Exact);
        var sorted = lists.Select(l => l.OrderByDescending(e => e.S).ThenBy(e => e.J).ToArray()).ToArray();
        return placeholder.WithEdges(sorted.Select(l => l.Select(e => e.J).ToArray()).ToArray(), sorted.Select(l => l.Select(e => e.S).ToArray()).ToArray());
    }

    /// <summary>Cliques of the given size (nodes size·c … size·c + size − 1), every edge at the given similarity.</summary>
    private static IEnumerable<(int, int, float)> Cliques(int count, int size, float similarity) =>
        from c in Enumerable.Range(0, count)
        from i in Enumerable.Range(0, size)
        from j in Enumerable.Range(i + 1, size - i - 1)
        select (c * size + i, c * size + j, similarity);

    private static readonly ClusteringOptions InfomapOnEdges = new() { Method = ClusterMethod.Infomap, Threshold = 0.5f, MergeCentres = false };

    [Fact]
    public void TwoCliquesJoinedByOneEdge_AreTwoClustersUnderInfomap()
    {
        var graph = Edges(12, Cliques(2, 6, 0.9f).Append((0, 6, 0.9f)));

        var components = Clusterer.Run(graph, InfomapOnEdges with { Method = ClusterMethod.Components });
        var infomap = Clusterer.Run(graph, InfomapOnEdges);

        Assert.Single(components.Clusters);
        Assert.Equal([6, 6], infomap.Clusters.Select(c => c.Size));
        Assert.Single(infomap.Labels.Take(6).Distinct());
        Assert.Single(infomap.Labels.Skip(6).Distinct());
        Assert.NotEqual(infomap.Labels[0], infomap.Labels[6]);
        Assert.Equal(ClusterMethod.Infomap, ClusterMethods.Parse("infomap"));
        Assert.Equal("infomap", ClusterMethods.Name(ClusterMethod.Infomap));
        Assert.Contains("infomap", Assert.Throws<SeerException>(() => ClusterMethods.Parse("kmeans")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARingOfSmallCliques_IsOneClusterPerClique_UnderInfomap()
    {
        // 30 cliques of 5 in a ring, each joined to the next by one edge: modularity's resolution limit merges
        // neighbouring cliques here (Fortunato and Barthélemy 2007); the map equation keeps each clique apart.
        const int count = 30, size = 5;
        var ring = Enumerable.Range(0, count).Select(c => (c * size + size - 1, (c + 1) % count * size, 0.9f));
        var result = Clusterer.Run(Edges(count * size, Cliques(count, size, 0.9f).Concat(ring)), InfomapOnEdges);

        Assert.Equal(count, result.Clusters.Count);
        Assert.All(result.Clusters, c => Assert.Equal(size, c.Size));
        for (int c = 0; c < count; c++) Assert.Single(result.Labels.Skip(c * size).Take(size).Distinct());
        Assert.Equal(0, result.Singletons);
    }

    [Fact]
    public void ImagesWithoutAnEdgeAboveTheThreshold_AreInfomapSingletons()
    {
        // two cliques of 4 at 0.9; node 8 joins the first only at 0.3, node 9 has no edge, nodes 10-11 pair at 0.7
        var graph = Edges(12, Cliques(2, 4, 0.9f).Append((8, 0, 0.3f)).Append((8, 5, 0.3f)).Append((10, 11, 0.7f)));

        var result = Clusterer.Run(graph, InfomapOnEdges);

        Assert.Equal([4, 4, 2], result.Clusters.Select(c => c.Size));
        Assert.Equal(2, result.Singletons);
        Assert.Equal(-1, result.Labels[8]);
        Assert.Equal(-1, result.Labels[9]);
        Assert.Equal(result.Labels[10], result.Labels[11]);
        // with no edge at or above the threshold every image is alone
        var none = Clusterer.Run(graph, InfomapOnEdges with { Threshold = 0.95f });
        Assert.Empty(none.Clusters);
        Assert.Equal(12, none.Singletons);
    }

    [Fact]
    public void Infomap_IsRepeatableBySeed_AndLowersTheCodelength()
    {
        // 8 groups of 6 with ragged inner similarities and weaker links between neighbouring groups
        var random = new Random(7);
        var edges = new List<(int, int, float)>();
        for (int g = 0; g < 8; g++)
            for (int i = 0; i < 6; i++)
                for (int j = i + 1; j < 6; j++)
                    if (random.NextDouble() < 0.8) edges.Add((g * 6 + i, g * 6 + j, 0.7f + 0.3f * random.NextSingle()));
        for (int e = 0; e < 20; e++)
        {
            int a = random.Next(48), b = (a / 6 + 1) % 8 * 6 + random.Next(6);
            edges.Add((a, b, 0.55f + 0.2f * random.NextSingle()));
        }
        var graph = Edges(48, edges);

        var first = Clusterer.Run(graph, InfomapOnEdges with { Seed = 3 });
        var again = Clusterer.Run(graph, InfomapOnEdges with { Seed = 3 });
        Assert.Equal(first.Labels, again.Labels);

        var labels = Infomap.Run(graph, 0.5f, 3);
        double found = Infomap.Codelength(graph, 0.5f, labels);
        double oneModule = Infomap.Codelength(graph, 0.5f, new int[48]);
        double singletons = Infomap.Codelength(graph, 0.5f, Enumerable.Range(0, 48).ToArray());
        double groups = Infomap.Codelength(graph, 0.5f, Enumerable.Range(0, 48).Select(i => i / 6).ToArray());
        Assert.True(found < oneModule && found < singletons, $"codelength {found} vs one module {oneModule}, singletons {singletons}");
        Assert.True(found <= groups + 1e-9, $"codelength {found} vs the planted groups {groups}");
        // the change of codelength the search computes from module flows is the change of the whole codelength
        var partition = Enumerable.Range(0, 48).Select(i => i / 6).ToArray();
        for (int move = 0; move < 200; move++)
        {
            int node = random.Next(48), to = random.Next(48);
            var after = (int[])partition.Clone();
            after[node] = to;
            double expected = Infomap.Codelength(graph, 0.5f, after) - Infomap.Codelength(graph, 0.5f, partition);
            Assert.Equal(expected, Infomap.MoveDelta(graph, 0.5f, partition, node, to), 9);
            if (move % 3 == 0) partition = after;
        }
        // a graph without edges: nothing to describe
        Assert.Equal(0, Infomap.Codelength(Edges(3, []), 0.5f, [0, 1, 2]));
    }

    [Fact]
    public void Reranking_CutsTheBridge_ThatJoinsComponents()
    {
        // The bridge is about 0.707 similar to every image of both groups, so at 0.7 it joins them as components. Its
        // k-reciprocal neighbourhood mixes the groups, each group image's is its own group: after re-ranking (Jaccard
        // only) the bridge's edges fall to about 0.63, the groups' own edges stay near 0.9 and above.
        var vectors = BridgedGroups();
        var options = new ClusteringOptions { Method = ClusterMethod.Components, Threshold = 0.7f, K = 8, Index = IndexKind.Exact, MergeCentres = false };

        var plain = Clusterer.Run(vectors, 8, options);
        var reranked = Clusterer.Run(vectors, 8, options with { Rerank = true, RerankK1 = 6, RerankK2 = 2, RerankLambda = 0 });

        Assert.Single(plain.Clusters);
        Assert.Equal(2, reranked.Clusters.Count);
        Assert.Single(reranked.Labels.Take(6).Distinct());
        Assert.Single(reranked.Labels.Skip(6).Take(6).Distinct());
        Assert.NotEqual(reranked.Labels[0], reranked.Labels[6]);
        Assert.Equal([6, 6], reranked.Clusters.Select(c => c.Size));
        Assert.Equal(-1, reranked.Labels[12]);

        // the re-ranked graph: K neighbours each, most similar first, similarities in [0, 1], a group's own edges highest
        var graph = KnnGraph.Build(vectors, 8, 8, IndexKind.Exact).Reranked(6, 2, 0, 8);
        Assert.All(graph.Neighbours, n => Assert.Equal(8, n.Length));
        Assert.All(graph.Similarities, s => Assert.Equal(s.OrderByDescending(v => v), s));
        Assert.All(graph.Similarities.SelectMany(s => s), v => Assert.InRange(v, 0f, 1f));
        Assert.All(graph.Neighbours[0].Take(5), j => Assert.InRange(j, 1, 5));
        Assert.True(graph.Similarities[0][4] >= 0.85f, $"group edge {graph.Similarities[0][4]}");
        float bridgeEdge = graph.Similarities[12].Max();
        Assert.True(bridgeEdge < 0.7f, $"bridge edge {bridgeEdge}");
        // λ = 1 is the cosine again
        var cosine = KnnGraph.Build(vectors, 8, 8, IndexKind.Exact).Reranked(6, 2, 1, 8);
        Assert.Equal(0.7071, cosine.Similarities[12][0], 3);
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<SeerException>(() =>
            Clusterer.Run(vectors, 8, options with { Rerank = true, RerankLambda = 2 })).Code);
    }

    [Fact]
    public void ClustersWithCloseCentres_AreMerged()
    {
        // Two pairs: (1, ±0.1) and (1, 0.3), (1, 0.5). Centres (1, 0) and ~(0.930, 0.368): cosine ~0.930.
        var graph = KnnGraph.Build(new float[] { 1, 0.1f, 1, -0.1f, 1, 0.3f, 1, 0.5f }, 2, 3, IndexKind.Exact);
        var (labels, merged) = Clusterer.MergeCentres(graph, [0, 0, 2, 2], 0.92f);
        Assert.Equal(1, merged);
        Assert.Single(labels.Distinct());
        var (kept, none) = Clusterer.MergeCentres(graph, [0, 0, 2, 2], 0.94f);
        Assert.Equal(0, none);
        Assert.Equal([0, 0, 2, 2], kept);
    }

    [Fact]
    public void KnnGraph_ListsNeighboursMostSimilarFirst_WithoutItself()
    {
        var graph = KnnGraph.Build(new float[] { 1, 0, 0.9f, 0.1f, 0, 1, 0.6f, 0.8f }, 2, 2, IndexKind.Hnsw);
        Assert.Equal([1, 3], graph.Neighbours[0]);
        Assert.Equal(0.9 / Math.Sqrt(0.82), graph.Similarities[0][0], 5);
        Assert.DoesNotContain(2, graph.Neighbours[2].Where(n => n == 2));
        Assert.Equal(0.8, graph.Similarity(2, 3), 5);
    }

    [Fact]
    public void Labels_TagClusteredImages_AndLeaveSingletonsUnlabelled()
    {
        var images = Enumerable.Range(0, 3).Select(i => new ImageRecord($"h{i}", $"{i}.png", 8, 8) { IsLabelled = true, Tags = ["old"] }).ToList();
        var result = new ClusteringResult([0, -1, 0], [new ClusterInfo(1, 2, 0.9)], 1, 0);
        var (records, classes) = ClusterLabels.Apply(images, result);
        Assert.Equal(["cluster-0001"], classes);
        Assert.Equal(["cluster-0001"], records[0].Tags);
        Assert.False(records[1].IsLabelled);
        Assert.Empty(records[1].Tags);
        Assert.Equal("h2", records[2].ContentHash);
    }

    [Fact]
    public void BadOptionsAndVectors_AreRefused()
    {
        Assert.Equal(ErrorCodes.InvalidOptions, Assert.Throws<SeerException>(() =>
            Clusterer.Run(new float[] { 1, 0 }, 2, new ClusteringOptions { Threshold = float.NaN })).Code);
        Assert.Equal(ErrorCodes.InvalidInput, Assert.Throws<SeerException>(() =>
            Clusterer.Run(new float[] { 1, 0, 1 }, 2, new ClusteringOptions())).Code);
        Assert.Equal(ErrorCodes.InvalidInput, Assert.Throws<SeerException>(() =>
            Clusterer.Run(new float[] { 1, float.NaN }, 2, new ClusteringOptions())).Code);
        Assert.Equal(ClusterMethod.Components, ClusterMethods.Parse("components"));
        Assert.Throws<SeerException>(() => ClusterMethods.Parse("kmeans"));
    }
}
