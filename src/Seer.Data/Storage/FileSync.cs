using System.Runtime.InteropServices;

namespace Seer.Data.Storage;

/// <summary>
/// Durability helpers over libc: fsync of a directory (so a rename survives a crash) and syncfs (one call that
/// flushes a whole file system, used to make a batch of thousands of blobs durable at once).
/// </summary>
internal static partial class FileSync
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000; // Linux x86-64 / arm64

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int syncfs(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    /// <summary>fsyncs a directory so that entries created or renamed in it are durable. No-op off Linux.</summary>
    public static void Directory(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = open(path, ORdOnly | ODirectory);
        if (fd < 0) throw new IOException($"cannot open directory '{path}' to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync of directory '{path}' failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>
    /// Flushes every dirty page of the file system holding <paramref name="path"/> (Linux syncfs). Returns false when
    /// not available, so the caller falls back to syncing files one by one.
    /// </summary>
    public static bool FileSystem(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        int fd = open(path, ORdOnly | ODirectory);
        if (fd < 0) return false;
        try
        {
            return syncfs(fd) == 0;
        }
        finally
        {
            close(fd);
        }
    }
}
