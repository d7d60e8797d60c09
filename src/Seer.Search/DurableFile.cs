using System.Runtime.InteropServices;

namespace Seer.Search;

/// <summary>Atomic replacement of a file (temp + fsync + rename + fsync of the folder) on Linux and elsewhere.</summary>
internal static partial class DurableFile
{
    /// <summary>Writes a file through <paramref name="write"/> into a temp file, fsyncs it and renames it over
    /// <paramref name="path"/>; a crash leaves either the old or the new file, never a half-written one.</summary>
    public static void Replace(string path, Action<FileStream> write)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Makes a rename or create in <paramref name="directory"/> durable (no-op where unsupported).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int fd = Open(directory, 0);
        if (fd < 0) return;
        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
