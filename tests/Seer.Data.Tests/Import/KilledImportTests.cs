using System.Diagnostics;
using Npgsql;
using Seer.Core.Datasets;
using Seer.Data.Postgres;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Import;

/// <summary>
/// A real child process killed in the middle of a large import leaves no partial version behind, on both metadata
/// backends; on PostgreSQL also when it dies inside the version's transaction, with every image row already sent.
/// </summary>
public sealed class KilledImportTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "seer-kill-src-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Import_KilledMidwayLeavesNoPartialVersionAndEarlierVersionsIntact(string backend)
    {
        using var t = new TempWorkspace(backend);
        var earlier = await t.Workspace.ImportAsync("set", Labelled("first.jpg", TestImages.Jpeg(64, 48, 1), ("car", Box(1, 1, 30, 30))));
        int blobsBefore = ImportPipelineTests.CountBlobs(t.Home);
        t.Workspace.Dispose();
        WriteSourceImages(600);

        // The child imports into the same dataset and pauses (blocked on stdin) after 400 items: blobs are staged,
        // no transaction has started. Then it is killed.
        using (var child = StartHost(t, "set", "400"))
        {
            string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal("paused 400", line);
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(t.Home, "blobs", "tmp"), "*", SearchOption.AllDirectories));
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        var ws = t.Reopen();
        var head = ws.Resolve(new DatasetRef("set", null));
        Assert.Equal(earlier.Version, head.Version);
        Assert.Single(ws.Log(new DatasetRef("set", null)));
        var snap = ws.OpenSnapshot(new DatasetRef("set", null));
        Assert.Equal("first.jpg", snap.Images.Single().FileName);
        using (var s = snap.OpenImage(snap.Images[0])) Assert.True(s.Length > 0);
        Assert.Equal(blobsBefore, ImportPipelineTests.CountBlobs(t.Home));
        // Reopening removed the dead process's staged temp files.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(t.Home, "blobs", "tmp")));
        ws.Dispose();

        await ImportToTheEndAsync(t, earlier.Version, 600);
    }

    [Fact]
    public async Task Postgres_KilledInsideTheCommitTransactionLeavesNoRowOfTheVersion()
    {
        using var t = new TempWorkspace("postgres");
        var earlier = await t.Workspace.ImportAsync("set", Labelled("first.jpg", TestImages.Jpeg(64, 48, 1), ("car", Box(1, 1, 30, 30))));
        t.Workspace.Dispose();
        WriteSourceImages(300);

        using (var child = StartHost(t, "set", "commit"))
        {
            string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal("in commit 300", line);
            // The child is inside the transaction: its session is idle in transaction, the 300 rows are written
            // but not visible to anyone else.
            Assert.Equal(1L, Scalar(t.Database!, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'"));
            Assert.Equal(1L, Scalar(t.Database!, "SELECT COUNT(*) FROM version_images"));
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        var ws = t.Reopen();
        Assert.Equal(earlier.Version, ws.Resolve(new DatasetRef("set", null)).Version);
        Assert.Single(ws.Log(new DatasetRef("set", null)));
        Assert.Equal(1L, Scalar(t.Database!, "SELECT COUNT(*) FROM versions"));
        Assert.Equal(1L, Scalar(t.Database!, "SELECT COUNT(*) FROM version_images"));
        Assert.Equal(0L, Scalar(t.Database!, "SELECT COUNT(*) FROM version_parents"));
        ws.Dispose();

        // The server released the dead session's lock with its transaction: the same import commits on top.
        await ImportToTheEndAsync(t, earlier.Version, 300);
    }

    private async Task ImportToTheEndAsync(TempWorkspace t, string earlier, int count)
    {
        using (var child = StartHost(t, "set", "-1"))
        {
            string output = await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(3));
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(child.ExitCode == 0, output + await child.StandardError.ReadToEndAsync());
            Assert.Contains($" {count}", output, StringComparison.Ordinal);
        }
        var ws = t.Reopen();
        Assert.Equal(count, ws.OpenSnapshot(new DatasetRef("set", null)).Images.Count);
        Assert.Equal([earlier], ws.Resolve(new DatasetRef("set", null)).Parents);
    }

    private static long Scalar(string url, string sql)
    {
        using var c = new NpgsqlConnection(PostgresDatabase.ToConnectionString(url));
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void WriteSourceImages(int count)
    {
        Directory.CreateDirectory(_folder);
        for (int i = 0; i < count; i++) File.WriteAllBytes(Path.Combine(_folder, $"img{i:0000}.jpg"), TestImages.Jpeg(64, 48, 1000 + i, 60));
    }

    private Process StartHost(TempWorkspace t, string dataset, string mode)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Seer.Data.ImportHost.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, t.Home, _folder, dataset, mode })
            info.ArgumentList.Add(a);
        info.Environment.Remove("SEER_BLOBS");
        if (t.Database is null) info.Environment.Remove(PostgresDatabase.Variable);
        else info.Environment[PostgresDatabase.Variable] = t.Database;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the import host");
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
