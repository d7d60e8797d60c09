using System.Runtime.InteropServices;
using Seer.Core.Interchange;
using Seer.Formats;

namespace Seer.Formats.Tests;

/// <summary>
/// The folder walk cannot block or loop: named pipes are listed as skipped without being opened, link loops are
/// not followed, and the walk stops when its cancellation token fires.
/// </summary>
public sealed class WalkTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-walk-" + Guid.NewGuid().ToString("N"));

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    private void Trap()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "a", "b"));
        File.WriteAllText(Path.Combine(_dir, "a", "b", "note.txt"), "x");
        File.WriteAllBytes(Path.Combine(_dir, "a", "b", "x.png"), Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Hu8W7pAAAAAElFTkSuQmCC"));
        Assert.Equal(0, MkFifo(Path.Combine(_dir, "a", "pipe.jpg"), 0b110_100_100));
        File.CreateSymbolicLink(Path.Combine(_dir, "a", "b", "up"), _dir);
        File.CreateSymbolicLink(Path.Combine(_dir, "a", "side"), Path.Combine(_dir, "a", "b"));
    }

    [Fact]
    public void PipesAndLoops_AreSkippedWithReasons_AndNothingBlocks()
    {
        Trap();
        using var source = FileSources.Open(_dir);
        Assert.Equal(["a/b/note.txt", "a/b/x.png", "a/side/note.txt", "a/side/x.png"], source.Files);
        Assert.Contains(source.Skipped, i => i.File.EndsWith("pipe.jpg", StringComparison.Ordinal) && i.Reason.Contains("named pipe", StringComparison.Ordinal));
        Assert.Contains(source.Skipped, i => i.File.EndsWith("up", StringComparison.Ordinal) && i.Reason.Contains("symbolic link loop", StringComparison.Ordinal));
        var read = FileSources.Read(FormatRegistry.GetImporter("folders"), FileSources.Open(Path.Combine(_dir, "a", "b")), new ImportOptions());
        Assert.Contains(read.Rejected, i => i.Reason.Contains("symbolic link loop", StringComparison.Ordinal));
    }

    [Fact]
    public void ACancelledWalk_Stops()
    {
        Trap();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => FileSources.Open(_dir, cancel.Token));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
