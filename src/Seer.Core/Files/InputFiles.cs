using System.Runtime.InteropServices;
using Seer.Core.Errors;

namespace Seer.Core.Files;

/// <summary>What a path is, as lstat/stat see it.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    NamedPipe,
    Socket,
    CharacterDevice,
    BlockDevice,
    Other,
}

/// <summary>
/// The checks every user-supplied input file goes through before Seer opens it: it must be a regular file (opening a
/// named pipe for reading blocks until a writer appears, a device may never end), a path the kernel accepts (at most
/// <see cref="MaxPathBytes"/> bytes) and at most <see cref="MaxFileBytes"/> long. Linux and macOS read the type with
/// stat(2); elsewhere only the .NET checks run.
/// </summary>
public static unsafe partial class InputFiles
{
    /// <summary>Longest path accepted (Linux's PATH_MAX, including the terminating NUL).</summary>
    public const int MaxPathBytes = 4095;

    /// <summary>Largest single input file read into memory: 512 MiB (COCO's biggest public annotation file is 448 MB).</summary>
    public const long MaxFileBytes = 512L << 20;

    /// <summary>The type of <paramref name="path"/>; with <paramref name="followLinks"/> a link's target (a loop or dangling link is Missing with the errno).</summary>
    public static FileKind KindOf(string path, bool followLinks, out ulong device, out ulong inode, out int errno)
    {
        ArgumentNullException.ThrowIfNull(path);
        device = inode = 0;
        errno = 0;
        if (!OperatingSystem.IsLinux())
        {
            if (Directory.Exists(path)) return FileKind.Directory;
            return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        }
        byte* buffer = stackalloc byte[256];
        int rc = followLinks ? stat(path, buffer) : lstat(path, buffer);
        if (rc != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return FileKind.Missing;
        }
        // struct stat: st_dev at 0 and st_ino at 8 on x86-64 and arm64; st_mode at 24 (x86-64) or 16 (arm64).
        device = *(ulong*)buffer;
        inode = *(ulong*)(buffer + 8);
        uint mode = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? *(uint*)(buffer + 24) : *(uint*)(buffer + 16);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.NamedPipe,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };
    }

    /// <summary>Why a path (after following links) is not a readable regular file, or null when it is one.</summary>
    public static string? NotRegularReason(string path)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            return $"the path is longer than {MaxPathBytes} bytes";
        var kind = KindOf(path, followLinks: true, out _, out _, out int errno);
        return kind switch
        {
            FileKind.Regular => null,
            FileKind.Missing when errno == 40 => "a symbolic link loop (ELOOP): the link never reaches a file",
            FileKind.Missing => "it does not exist (or is a dangling symbolic link)",
            _ => $"not a regular file (it is a {Describe(kind)}); Seer reads only regular files",
        };
    }

    /// <summary>
    /// Throws a SeerException naming <paramref name="path"/> unless it is an existing regular file within the size
    /// limit. <paramref name="what"/> names the role in messages ("vector file", "params file").
    /// </summary>
    public static void RequireRegular(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            throw new SeerException(ErrorCodes.InvalidInput, $"{what} path is longer than {MaxPathBytes} bytes: {Shorten(path)}", Shorten(path));
        var kind = KindOf(path, followLinks: true, out _, out _, out int errno);
        if (kind == FileKind.Missing && errno != 40)
            throw new SeerException(ErrorCodes.NotFound, $"{what} {path} does not exist", path);
        if (kind != FileKind.Regular)
            throw new SeerException(ErrorCodes.InvalidInput, $"{what} {path}: {NotRegularReason(path)}", path);
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{what} {path} is {length:N0} bytes, over the limit of {MaxFileBytes:N0} bytes for one input file", path);
    }

    /// <summary>Throws a SeerException when a path given on the command line is longer than the kernel accepts.</summary>
    public static void RequirePathLength(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{what} path is longer than {MaxPathBytes} bytes ({System.Text.Encoding.UTF8.GetByteCount(path)}): {Shorten(path)}", Shorten(path));
    }

    /// <summary>"named pipe (FIFO)", "socket", ...</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.NamedPipe => "named pipe (FIFO)",
        FileKind.Socket => "socket",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Directory => "folder",
        FileKind.SymbolicLink => "symbolic link",
        _ => "special file",
    };

    private static string Shorten(string path) => path.Length > 120 ? path[..60] + "…" + path[^40..] : path;

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat(string path, byte* buffer);
}
