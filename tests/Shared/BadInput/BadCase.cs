using System.IO.Compression;
using System.Runtime.InteropServices;
using OpenCvSharp;
using CvScalar = OpenCvSharp.Scalar;

namespace Seer.Tests.BadInput;

/// <summary>What a bad input must lead to.</summary>
public abstract record Expect
{
    /// <summary>The command fails: this exit code, a JSON error naming the file (in "file" or the message) and the reason.</summary>
    public sealed record Error(int Exit, string File, string Reason) : Expect;

    /// <summary>The import succeeds and lists the file among "rejected" with the reason.</summary>
    public sealed record Rejected(string File, string Reason) : Expect;

    /// <summary>The command succeeds (a crash case that must simply work); stderr contains <paramref name="Stderr"/> when given.</summary>
    public sealed record Ok(string? Stderr = null) : Expect;
}

/// <summary>
/// One bad input: <see cref="Build"/> writes it into a fresh folder and returns the CLI arguments (the harness adds
/// --json and --home). <see cref="Home"/> replaces the workspace folder when the case is about the workspace itself.
/// </summary>
public sealed record BadCase(string Name, Func<CaseDir, string[]> Build, Expect Expect)
{
    public override string ToString() => Name;
}

/// <summary>The folder a case builds its input in, with writers for the usual kinds of files.</summary>
public sealed class CaseDir(string root, BadInputFixture fixture)
{
    public string Root { get; } = root;

    public BadInputFixture Fixture { get; } = fixture;

    /// <summary>Replaces the workspace folder passed with --home (null: the case's copy of the seeded workspace).</summary>
    public string? HomeOverride { get; set; }

    public string P(string relative) => Path.Combine(Root, relative);

    public string Dir(string relative)
    {
        string path = P(relative);
        Directory.CreateDirectory(path);
        return path;
    }

    public string Bytes(string relative, byte[] bytes)
    {
        string path = P(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Text(string relative, string text) => Bytes(relative, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>A small real PNG (size and colour vary so names do not share bytes unless asked).</summary>
    public string Png(string relative, int width = 12, int height = 10, int shade = 90) => Bytes(relative, PngBytes(width, height, shade));

    public static byte[] PngBytes(int width = 12, int height = 10, int shade = 90)
    {
        using var m = new Mat(height, width, MatType.CV_8UC3, new CvScalar(shade, 255 - shade, 128));
        Cv2.Rectangle(m, new Rect(1, 1, width / 2, height / 2), new CvScalar(255, 255, 255), -1);
        return m.ImEncode(".png");
    }

    public static byte[] JpegBytes(int width, int height)
    {
        using var m = new Mat(height, width, MatType.CV_8UC3);
        Cv2.Randu(m, new CvScalar(0, 0, 0), new CvScalar(255, 255, 255));
        return m.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
    }

    /// <summary>A named pipe (FIFO): opening it for reading blocks until a writer comes, which never happens here.</summary>
    public string Fifo(string relative)
    {
        string path = P(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (MkFifo(path, 0b110_100_100) != 0) throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
        return path;
    }

    public string Symlink(string relative, string target)
    {
        string path = P(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>A zip of (entry name, bytes) written with the usual deflate.</summary>
    public string Zip(string relative, params (string Name, byte[] Bytes)[] entries)
    {
        string path = P(relative);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
            using var s = entry.Open();
            s.Write(bytes);
        }
        return path;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);
}
