using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Seer.Data.Storage;

/// <summary>
/// Many blob puts made durable together: <see cref="Add"/> hashes the bytes and writes new ones to temp files
/// (thread-safe, call it from parallel workers); <see cref="Commit"/> syncs the file system once, renames every
/// temp file into its shard, and syncs again so the renames are durable. Until Commit nothing is visible; a
/// process killed before it leaves only temp files, which <see cref="FileBlobStore.CleanAbandonedTemp"/> removes.
/// </summary>
public sealed class BlobBatch : IBlobBatch
{
    private readonly FileBlobStore _store;
    private readonly string _folder;
    private readonly ConcurrentDictionary<string, string> _staged = new(StringComparer.Ordinal);
    private bool _committed;

    internal BlobBatch(FileBlobStore store)
    {
        _store = store;
        _folder = store.NewTempFolder();
    }

    /// <summary>Number of new blobs staged.</summary>
    public int StagedCount => _staged.Count;

    /// <summary>Bytes of the new blobs staged.</summary>
    public long StagedBytes { get; private set; }

    /// <summary>Hashes the bytes and stages them unless the store (or this batch) already holds them.</summary>
    public Core.Storage.BlobPut Add(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        string sha = Convert.ToHexStringLower(digest);
        if (File.Exists(_store.PathOf(sha)))
            return new Core.Storage.BlobPut(sha, bytes.Length, AlreadyPresent: true);
        // Claim the name before writing: two workers holding the same bytes (one image under two names) must not
        // both write the same temp file. The loser reports the blob as present; Commit runs after every Add.
        string temp = Path.Combine(_folder, sha);
        if (!_staged.TryAdd(sha, temp)) return new Core.Storage.BlobPut(sha, bytes.Length, AlreadyPresent: true);
        try
        {
            using var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.None, bytes.Length);
            RandomAccess.Write(handle, bytes, 0);
        }
        catch
        {
            _staged.TryRemove(sha, out _);
            throw;
        }
        lock (_staged) StagedBytes += bytes.Length;
        return new Core.Storage.BlobPut(sha, bytes.Length, AlreadyPresent: false);
    }

    /// <summary>Makes every staged blob durable and visible.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _committed = true;
        if (_staged.IsEmpty)
        {
            TryDeleteFolder();
            return;
        }
        bool synced = FileSync.FileSystem(_folder);
        if (!synced)
        {
            foreach (var temp in _staged.Values)
            {
                using var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite);
                file.Flush(flushToDisk: true);
            }
        }
        // Renames in parallel: with thousands of blobs most land in a shard folder of their own (a mkdir each).
        var dirs = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        Parallel.ForEach(_staged, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount * 2) }, entry =>
        {
            string final = _store.PathOf(entry.Key);
            string dir = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(dir); // idempotent; another worker may be creating the same shard
            dirs.TryAdd(dir, true);
            File.Move(entry.Value, final, overwrite: true);
        });
        if (!FileSync.FileSystem(_store.Root))
            foreach (var dir in dirs.Keys) FileSync.Directory(dir);
        TryDeleteFolder();
    }

    /// <summary>Drops the staged temp files when the batch was not committed.</summary>
    public void Dispose()
    {
        if (_committed) return;
        _committed = true;
        TryDeleteFolder();
    }

    private void TryDeleteFolder()
    {
        try
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for CleanAbandonedTemp.
        }
    }
}
