using System.Security.Cryptography;
using Seer.Core.Errors;
using Seer.Core.Storage;

namespace Seer.Data.Storage;

/// <summary>
/// Content-addressed blobs on disk: a blob with SHA-256 <c>abcd…</c> lives at <c>ROOT/ab/cd/abcd…</c>. Writes go
/// to a temp file under <c>ROOT/tmp</c>, are fsynced, then renamed into place (a reader never sees half a blob),
/// and the same bytes are stored once. <see cref="BeginBatch"/> does the same for many blobs with one file-system
/// sync per batch instead of one per file.
/// </summary>
public sealed class FileBlobStore : IBlobStore
{
    public FileBlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        TempRoot = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(TempRoot);
    }

    /// <summary>The folder holding the shards.</summary>
    public string Root { get; }

    internal string TempRoot { get; }

    /// <summary>Where a blob with this hash lives (whether or not it exists).</summary>
    public string PathOf(string sha256)
    {
        ValidateHash(sha256);
        return Path.Combine(Root, sha256[..2], sha256.Substring(2, 2), sha256);
    }

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    public string? TryGetLocalPath(string sha256)
    {
        string path = PathOf(sha256);
        return File.Exists(path) ? path : null;
    }

    public Stream OpenRead(string sha256)
    {
        string path = PathOf(sha256);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new SeerException(ErrorCodes.NotFound, $"blob {sha256} is not in the blob store at {Root}", path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new SeerException(ErrorCodes.NotFound, $"blob {sha256} is not in the blob store at {Root}", path);
        }
    }

    /// <summary>Stores a stream's bytes durably (temp file, fsync, rename, directory fsync).</summary>
    public async Task<BlobPut> PutAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        string temp = NewTempPath();
        string sha;
        long length = 0;
        try
        {
            using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hasher.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }
                file.Flush(flushToDisk: true);
                sha = Convert.ToHexStringLower(hasher.GetHashAndReset());
            }
            string final = PathOf(sha);
            if (File.Exists(final)) return new BlobPut(sha, length, AlreadyPresent: true);
            string dir = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(dir);
            File.Move(temp, final, overwrite: true);
            FileSync.Directory(dir);
            return new BlobPut(sha, length, AlreadyPresent: false);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Starts a batch of puts that become durable and visible together on <see cref="BlobBatch.Commit"/>.</summary>
    public BlobBatch BeginBatch() => new(this);

    /// <summary>Deletes temp files left by processes that died mid-write (their folders name the dead pid).</summary>
    public int CleanAbandonedTemp()
    {
        int removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(TempRoot))
        {
            string name = Path.GetFileName(entry);
            int dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), out int pid) || IsAlive(pid)) continue;
            try
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
                removed++;
            }
            catch (IOException)
            {
                // Another process cleans it at the same time; nothing to do.
            }
        }
        return removed;
    }

    internal string NewTempPath() => Path.Combine(TempRoot, $"{Environment.ProcessId}-{Guid.NewGuid():N}.part");

    internal string NewTempFolder()
    {
        string dir = Path.Combine(TempRoot, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    internal static void ValidateHash(string sha256)
    {
        if (sha256 is null || sha256.Length != 64 || !sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{sha256}' is not a lower-case hex SHA-256");
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
