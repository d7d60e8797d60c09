namespace Seer.Search.Tests;

/// <summary>
/// A write call is all or nothing on disk: its log records count only once the batch's commit record follows them,
/// so a process killed in the middle of a batch leaves none of it, and the same batch can be written again.
/// (The real kill of a `seer search add` child process is in Seer.Cli.Tests' SearchKillTests.)
/// </summary>
public sealed class BatchAtomicityTests
{
    private static FeatureGroupOptions Options() => new() { Dimension = 24, Metric = DistanceMetric.L2, Index = IndexKind.Exact };

    [Fact]
    public void ABatchWithoutItsCommitRecord_IsDroppedWhole_AndTheRetrySucceeds()
    {
        string home = TestVectors.NewTempDir();
        var workspace = new SearchWorkspace(home);
        var first = TestVectors.Gaussian(10, 24, seed: 11);
        var second = TestVectors.Gaussian(40, 24, seed: 12);
        var secondIds = Enumerable.Range(100, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        string log = Path.Combine(home, "search", "g", "log.bin");

        var group = workspace.Create("g", Options());
        group.AddRows(TestVectors.Ids(10), first);
        long afterFirst = new FileInfo(log).Length;
        group.AddRows(secondIds, second);
        group.Abandon();
        // What a kill part-way through the second batch leaves: all its item records, but not its commit record
        // (the last 13 bytes: length, checksum, op, count), and then a cut half-way through the batch.
        var bytes = File.ReadAllBytes(log);
        foreach (long cut in new[] { bytes.Length - 13, afterFirst + (bytes.Length - 13 - afterFirst) / 2 })
        {
            File.WriteAllBytes(log, bytes[..(int)cut]);
            using var reopened = workspace.Open("g");
            Assert.True(reopened.RecoveredTornRecord);
            Assert.Equal(10, reopened.Count);
            Assert.Null(reopened.Get("100"));
            Assert.Equal(afterFirst, new FileInfo(log).Length); // the torn batch is cut off the log
        }

        using (var retry = workspace.Open("g"))
        {
            retry.AddRows(secondIds, second); // no id conflict: nothing of the torn batch is there
            Assert.Equal(50, retry.Count);
        }
        using var again = workspace.Open("g");
        Assert.False(again.RecoveredTornRecord);
        Assert.Equal(50, again.Count);
        Assert.Equal("120", again.Search(second.AsSpan(20 * 24, 24), 1)[0].Id);
    }

    [Fact]
    public void ACommitRecordThatDoesNotMatchItsBatch_IsAClearError()
    {
        string home = TestVectors.NewTempDir();
        var workspace = new SearchWorkspace(home);
        var group = workspace.Create("g", Options());
        group.AddRows(TestVectors.Ids(3), TestVectors.Gaussian(3, 24, seed: 13));
        group.AddRows(["a"], TestVectors.Gaussian(1, 24, seed: 14));
        group.Abandon();
        string log = Path.Combine(home, "search", "g", "log.bin");
        var bytes = File.ReadAllBytes(log);
        // Drop the first batch's commit record: the second commit then closes 4 records where it says 1.
        int firstCommit = 16 + 3 * (8 + 1 + 2 + 1 + 24 * 4);
        File.WriteAllBytes(log, [.. bytes[..firstCommit], .. bytes[(firstCommit + 13)..]]);

        var error = Assert.Throws<Seer.Core.Errors.SeerException>(() => workspace.Open("g"));
        Assert.Contains("commit record", error.Message);
    }
}
