namespace Seer.Search.Tests;

public class PersistenceTests
{
    private static FeatureGroupOptions Options(IndexKind index) =>
        new() { Dimension = 24, Metric = DistanceMetric.Cosine, Index = index, M = 8, EfConstruction = 64 };

    [Theory]
    [InlineData(IndexKind.Exact)]
    [InlineData(IndexKind.Hnsw)]
    public void Recovery_AfterAKill_KeepsEveryAcknowledgedWrite(IndexKind index)
    {
        var workspace = new SearchWorkspace(TestVectors.NewTempDir());
        var data = TestVectors.Gaussian(400, 24, seed: 1);
        var group = workspace.Create("faces", Options(index));
        group.AddRows(TestVectors.Ids(200), data.AsMemory(0, 200 * 24));
        group.Compact(); // snapshot holds 0..199
        group.AddRows(TestVectors.Ids(200, "x"), data.AsMemory(200 * 24));
        group.Remove(["5", "x7"]);
        group.Upsert([new FeatureItem("9", data.AsSpan(300 * 24, 24).ToArray(), "{\"person\":\"ann\"}")]);
        var before = group.SearchBatch(data.AsMemory(0, 10 * 24), 5);
        group.Abandon(); // no compaction, no clean close: what a kill leaves

        using var reopened = workspace.Open("faces");

        Assert.Equal(398, reopened.Count);
        Assert.Equal(203, reopened.ReplayedRecords); // 200 adds + 2 removes + 1 upsert
        Assert.Null(reopened.Get("5"));
        Assert.Null(reopened.Get("x7"));
        Assert.Equal("{\"person\":\"ann\"}", reopened.Get("9")!.Metadata);
        var after = reopened.SearchBatch(data.AsMemory(0, 10 * 24), 5);
        for (int q = 0; q < 10; q++)
            Assert.Equal(before[q].Select(h => h.Id), after[q].Select(h => h.Id));
    }

    [Fact]
    public void Recovery_IgnoresATornLastRecord()
    {
        string home = TestVectors.NewTempDir();
        var workspace = new SearchWorkspace(home);
        var data = TestVectors.Gaussian(30, 24, seed: 2);
        var group = workspace.Create("g", Options(IndexKind.Exact));
        group.AddRows(TestVectors.Ids(30), data);
        group.Abandon();
        string log = Path.Combine(home, "search", "g", "log.bin");
        long good = new FileInfo(log).Length;
        // A write that died half-way: the length prefix promises more bytes than reached the disk.
        using (var stream = new FileStream(log, FileMode.Append))
            stream.Write([200, 0, 0, 0, 1, 2, 3, 4, 2, 3]);

        using (var reopened = workspace.Open("g"))
        {
            Assert.True(reopened.RecoveredTornRecord);
            Assert.Equal(30, reopened.Count);
            reopened.Add([new FeatureItem("new", data.AsSpan(0, 24).ToArray())]);
        }
        Assert.True(new FileInfo(log).Length > good);
        using var again = workspace.Open("g");
        Assert.False(again.RecoveredTornRecord);
        Assert.Equal(31, again.Count);
    }

    [Fact]
    public void Recovery_ACorruptRecordInTheMiddleIsAClearError()
    {
        string home = TestVectors.NewTempDir();
        var workspace = new SearchWorkspace(home);
        var group = workspace.Create("g", Options(IndexKind.Exact));
        group.AddRows(TestVectors.Ids(5), TestVectors.Gaussian(5, 24, seed: 3));
        group.Abandon();
        string log = Path.Combine(home, "search", "g", "log.bin");
        var bytes = File.ReadAllBytes(log);
        bytes[40] ^= 0xFF; // inside the first record's payload
        File.WriteAllBytes(log, bytes);

        var error = Assert.Throws<Seer.Core.Errors.SeerException>(() => workspace.Open("g"));
        Assert.Contains("log.bin", error.Message);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Recovery_AfterACrashBetweenSnapshotAndLogReset_DoesNotApplyTheLogTwice()
    {
        string home = TestVectors.NewTempDir();
        var workspace = new SearchWorkspace(home);
        var data = TestVectors.Gaussian(50, 24, seed: 4);
        var group = workspace.Create("g", Options(IndexKind.Hnsw));
        group.AddRows(TestVectors.Ids(50), data);
        group.Remove(["3"]);
        string log = Path.Combine(home, "search", "g", "log.bin");
        byte[] oldLog = File.ReadAllBytes(log);
        group.Compact();
        group.Abandon();
        File.WriteAllBytes(log, oldLog); // the new snapshot landed, the log reset did not

        using var reopened = workspace.Open("g");
        Assert.Equal(0, reopened.ReplayedRecords);
        Assert.Equal(49, reopened.Count);
        Assert.Null(reopened.Get("3"));
        Assert.Equal("10", reopened.Search(data.AsSpan(10 * 24, 24), 1)[0].Id);
    }

    [Fact]
    public void Compaction_OfAnExactGroupDropsRemovedRowsAndKeepsTheRest()
    {
        string home = TestVectors.NewTempDir();
        var workspace = new SearchWorkspace(home);
        var data = TestVectors.Gaussian(100, 24, seed: 6);
        using (var group = workspace.Create("g", Options(IndexKind.Exact)))
        {
            group.AddRows(TestVectors.Ids(100), data);
            group.Remove(TestVectors.Ids(50));
            group.Compact();
        }
        long snapshot = new FileInfo(Path.Combine(home, "search", "g", "snapshot.bin")).Length;

        using var reopened = workspace.Open("g");

        Assert.Equal(0, reopened.ReplayedRecords);
        Assert.Equal(50, reopened.Count);
        Assert.True(snapshot < 50 * 32 * 4 + 4096, $"snapshot is {snapshot} bytes: removed rows were kept");
        Assert.Equal(TestVectors.Ids(50).Select(i => (int.Parse(i) + 50).ToString()), reopened.Ids());
        Assert.Equal("77", reopened.Search(data.AsSpan(77 * 24, 24), 1)[0].Id);
    }

    [Fact]
    public void Workspace_CreatesListsAndDeletesGroups()
    {
        var workspace = new SearchWorkspace(TestVectors.NewTempDir());
        using (var g = workspace.Create("a", Options(IndexKind.Exact)))
            g.AddRows(TestVectors.Ids(3), TestVectors.Gaussian(3, 24, seed: 5));
        workspace.Create("b", Options(IndexKind.Hnsw) with { Metric = DistanceMetric.L2 }).Dispose();

        var list = workspace.List();

        Assert.Equal(["a", "b"], list.Select(i => i.Name));
        Assert.Equal(3, list[0].Items);
        Assert.Equal(DistanceMetric.L2, list[1].Options.Metric);
        Assert.Equal(IndexKind.Hnsw, list[1].Options.Index);
        workspace.Delete("a");
        Assert.Equal(["b"], workspace.List().Select(i => i.Name));
        var error = Assert.Throws<Seer.Core.Errors.SeerException>(() => workspace.Create("b", Options(IndexKind.Exact)));
        Assert.Equal("conflict", error.Code);
    }

    [Fact]
    public void Workspace_AnOpenGroupIsLockedAgainstASecondOpener()
    {
        var workspace = new SearchWorkspace(TestVectors.NewTempDir());
        using var group = workspace.Create("g", Options(IndexKind.Exact));

        var error = Assert.Throws<Seer.Core.Errors.SeerException>(() => workspace.Open("g"));
        Assert.Equal("conflict", error.Code);
    }
}
