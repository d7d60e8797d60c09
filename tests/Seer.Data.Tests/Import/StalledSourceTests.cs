using System.Runtime.InteropServices;
using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Data.Import;
using Seer.Data.Tests.Support;
using Seer.Formats;

namespace Seer.Data.Tests.Import;

/// <summary>
/// Cancellation reaches the import's reads: an import whose source stalls (here a named pipe nobody writes to, standing
/// for a hung network mount — Seer's own folder walk leaves pipes out, so the stalled source is the test's) ends as soon
/// as it is cancelled, in the annotation read and in the image reads, and commits nothing. The waits on the tasks are
/// hang guards (a minute), not speed assertions.
/// </summary>
public sealed class StalledSourceTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Reading_annotations_from_a_stalled_source_ends_when_cancelled()
    {
        using var folder = new StalledFolder();
        folder.Fifo("annotations/instances.json");
        using var source = new StalledSource(folder.Root);
        using var cts = new CancellationTokenSource();

        var read = FileSources.ReadAsync(FormatRegistry.GetImporter("coco"), source, new ImportOptions(), cts.Token);
        await source.Reading.Task.WaitAsync(HangGuard);
        Assert.False(read.IsCompleted); // it is blocked on the pipe
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(HangGuard));
        folder.Release();
    }

    [Fact]
    public async Task An_import_stuck_reading_an_image_ends_when_cancelled_and_commits_nothing()
    {
        using var t = new TempWorkspace();
        using var folder = new StalledFolder();
        string fifo = folder.Fifo("images/a.jpg");
        File.WriteAllBytes(Path.Combine(folder.Root, "images", "b.jpg"), TestImages.Jpeg(32, 24, 3));
        using var source = new StalledSource(folder.Root);
        using var cts = new CancellationTokenSource();
        var items = new[] { "images/b.jpg", "images/a.jpg" }
            .Select(f => new ImportItem(f, () => source.Open(f), source.Display(f)) { IsLabelled = true }).ToList();

        var import = new ImportPipeline(t.Workspace).RunAsync(new ImportRead(items, []), new ImportRequest("stalled") { Parallelism = 1 }, null, cts.Token);
        await source.Reading.Task.WaitAsync(HangGuard);
        Assert.False(import.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => import.WaitAsync(HangGuard));
        Assert.Null(t.Workspace.Metadata.FindHead("stalled"));

        // Once the pipe is released the abandoned worker finds the token cancelled: still no version.
        folder.Release();
        await Task.Delay(200);
        Assert.Null(t.Reopen().Metadata.FindHead("stalled"));
        _ = fifo;
    }

    /// <summary>A temp folder with named pipes; <see cref="Release"/> opens each for writing and closes it, so a reader blocked on it gets end-of-file.</summary>
    private sealed class StalledFolder : IDisposable
    {
        private readonly List<string> _fifos = [];

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "seer-stalled-" + Guid.NewGuid().ToString("N"));

        public string Fifo(string relative)
        {
            string path = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Assert.Equal(0, MkFifo(path, 0x180)); // 0600
            _fifos.Add(path);
            return path;
        }

        public void Release()
        {
            foreach (var f in _fifos)
            {
                using var writer = new FileStream(f, FileMode.Open, FileAccess.Write);
            }
            _fifos.Clear();
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        private static extern int MkFifo(string path, uint mode);
    }

    /// <summary>Every file under a folder, opened as it is (a pipe blocks in open and read): a source that can stall.</summary>
    private sealed class StalledSource(string root) : IFileSource
    {
        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Origin => root;

        public IReadOnlyList<string> Files { get; } = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

        public bool Exists(string relativePath) => Files.Contains(relativePath);

        public Stream Open(string relativePath)
        {
            string path = Path.Combine(root, relativePath);
            // A pipe: say the read is under way, then block in open (and read) until someone writes or closes it.
            if (IsPipe(path)) Reading.TrySetResult();
            return new FileStream(path, FileMode.Open, FileAccess.Read);
        }

        public long Length(string relativePath) => 0;

        public string Display(string relativePath) => Path.Combine(root, relativePath);

        public void Dispose() { }

        private static bool IsPipe(string path) => Seer.Core.Files.InputFiles.NotRegularReason(path) is not null;
    }
}
