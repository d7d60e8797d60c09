using System.Diagnostics;
using Seer.Search;

namespace Seer.Cli.Tests;

/// <summary>
/// `seer search add` killed in the middle of its batch: a real child process, killed once its log has started to
/// grow but before the batch could have been written whole. None of the batch may be visible afterwards, and the
/// same add then succeeds (no id conflict).
/// </summary>
public sealed class SearchKillTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-search-kill-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SearchAdd_KilledMidBatch_LeavesNoneOfIt_AndTheRetrySucceeds()
    {
        // 200,000 x 64 keeps the log (about 54 MB) under the 64 MB compaction threshold, so the log shows what the kill left.
        const int rows = 200_000, dim = 64;
        string home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(_dir);
        using (var group = new SearchWorkspace(home).Create("g", new FeatureGroupOptions { Dimension = dim, Metric = DistanceMetric.L2 }))
            group.AddRows(["seed-a", "seed-b"], new float[2 * dim]);
        var rng = new Random(5);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        string vectors = Path.Combine(_dir, "big.npy");
        VectorFiles.Write(vectors, new VectorMatrix(rows, dim, data));
        string log = Path.Combine(home, "search", "g", "log.bin");
        long committed = new FileInfo(log).Length;
        // The log once the batch is in: per record length + checksum, op, id (length-prefixed), metadata flag, floats.
        long batchBytes = 13 + Enumerable.Range(0, rows).Sum(i => 8L + 1 + 1 + i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1 + dim * 4);
        long whole = committed + batchBytes;

        // The kill must land while the batch is being written (the log has grown but not to its full size). If it
        // lands after the batch was written whole, that batch is there in full (all or nothing holds); remove it and
        // try again.
        long atKill = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            using (var p = CliProcess.Start(home, ["search", "add", "g", "--vectors", vectors]))
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                var watch = Stopwatch.StartNew();
                while (!p.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2) && new FileInfo(log).Length <= committed) Thread.SpinWait(2000);
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
                await Task.WhenAll(stdout, stderr);
            }
            atKill = new FileInfo(log).Length;
            if (atKill < whole) break;
            using var complete = new SearchWorkspace(home).Open("g");
            Assert.Equal(rows + 2, complete.Count); // written whole: all of it
            complete.Remove(Enumerable.Range(0, rows).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
            complete.Compact();
            committed = new FileInfo(log).Length;
            whole = committed + batchBytes;
        }
        Assert.True(atKill > committed && atKill < whole, $"no kill landed mid-batch in 3 attempts (log {atKill} bytes, batch {committed}..{whole})");

        using (var reopened = new SearchWorkspace(home).Open("g"))
        {
            Assert.Equal(2, reopened.Count);
            Assert.Null(reopened.Get("0"));
            Assert.Equal(committed, new FileInfo(log).Length); // the torn batch was cut off
        }
        var retry = await CliProcess.RunAsync(home, TimeSpan.FromMinutes(3), "search", "add", "g", "--vectors", vectors, "--json");
        Assert.True(retry.Code == 0, retry.Stderr);
        using var after = new SearchWorkspace(home).Open("g");
        Assert.Equal(rows + 2, after.Count);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
