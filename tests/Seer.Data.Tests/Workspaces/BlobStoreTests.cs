using System.Security.Cryptography;
using Seer.Core.Errors;
using Seer.Data.Storage;

namespace Seer.Data.Tests.Workspaces;

public sealed class BlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "seer-blobs-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Put_StoresUnderShardedSha256OnceAndLeavesNoTemp()
    {
        var store = new FileBlobStore(_root);
        var bytes = RandomNumberGenerator.GetBytes(5000);
        string expected = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var first = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);
        var second = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);
        Assert.Equal(expected, first.Sha256);
        Assert.False(first.AlreadyPresent);
        Assert.True(second.AlreadyPresent);
        Assert.Equal(Path.Combine(_root, expected[..2], expected[2..4], expected), store.TryGetLocalPath(expected));
        using (var s = store.OpenRead(expected))
        using (var copy = new MemoryStream())
        {
            s.CopyTo(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public void Batch_IsInvisibleUntilCommittedAndDiscardedWhenDropped()
    {
        var store = new FileBlobStore(_root);
        var a = RandomNumberGenerator.GetBytes(100);
        var b = RandomNumberGenerator.GetBytes(200);
        string shaA;
        using (var dropped = store.BeginBatch())
        {
            shaA = dropped.Add(a).Sha256;
            Assert.False(store.Exists(shaA));
        }
        Assert.False(store.Exists(shaA));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "tmp")));

        using var batch = store.BeginBatch();
        var pa = batch.Add(a);
        var pb = batch.Add(b);
        Assert.True(batch.Add(a).AlreadyPresent);
        batch.Commit();
        Assert.True(store.Exists(pa.Sha256));
        Assert.True(store.Exists(pb.Sha256));
        Assert.Equal(2, batch.StagedCount);
    }

    [Fact]
    public void CleanAbandonedTemp_RemovesOnlyDeadProcessesFiles()
    {
        var store = new FileBlobStore(_root);
        string tmp = Path.Combine(_root, "tmp");
        // A pid above the kernel's pid_max cannot be alive.
        string dead = Path.Combine(tmp, "2147483600-abc");
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, "half"), "partial");
        File.WriteAllText(Path.Combine(tmp, "2147483600-x.part"), "partial");
        string mine = Path.Combine(tmp, $"{Environment.ProcessId}-live");
        Directory.CreateDirectory(mine);
        Assert.Equal(2, store.CleanAbandonedTemp());
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(mine));
    }

    [Fact]
    public void OpenRead_MissingBlobIsNotFound()
    {
        var store = new FileBlobStore(_root);
        var ex = Assert.Throws<SeerException>(() => store.OpenRead(new string('0', 64)));
        Assert.Equal(ErrorCodes.NotFound, ex.Code);
        Assert.Throws<SeerException>(() => store.OpenRead("../../etc/passwd"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
