using System.Diagnostics;
using Seer.Core.Datasets;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Import;

/// <summary>A real child process killed in the middle of a large import leaves no partial version behind.</summary>
public sealed class KilledImportTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "seer-kill-src-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Import_KilledMidwayLeavesNoPartialVersionAndEarlierVersionsIntact()
    {
        using var t = new TempWorkspace();
        var earlier = await t.Workspace.ImportAsync("set", Labelled("first.jpg", TestImages.Jpeg(64, 48, 1), ("car", Box(1, 1, 30, 30))));
        int blobsBefore = ImportPipelineTests.CountBlobs(t.Home);
        t.Workspace.Dispose();

        Directory.CreateDirectory(_folder);
        for (int i = 0; i < 600; i++) File.WriteAllBytes(Path.Combine(_folder, $"img{i:0000}.jpg"), TestImages.Jpeg(64, 48, 1000 + i, 60));

        // The child imports into the same dataset and pauses (blocked on stdin) after 400 items: blobs are staged,
        // no transaction has started. Then it is killed.
        using (var child = StartHost(t.Home, "set", pauseAfter: 400))
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

        // The workspace still works: the same import run to the end commits a complete version on top.
        using (var child = StartHost(t.Home, "set", pauseAfter: -1))
        {
            string output = await child.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(2));
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(child.ExitCode == 0, output + await child.StandardError.ReadToEndAsync());
            Assert.Contains(" 600", output, StringComparison.Ordinal);
        }
        ws = t.Reopen();
        Assert.Equal(600, ws.OpenSnapshot(new DatasetRef("set", null)).Images.Count);
        Assert.Equal([earlier.Version], ws.Resolve(new DatasetRef("set", null)).Parents);
    }

    private Process StartHost(string home, string dataset, int pauseAfter)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Seer.Data.ImportHost.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, home, _folder, dataset, pauseAfter.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the import host");
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
