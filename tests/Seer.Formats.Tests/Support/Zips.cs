using System.IO.Compression;

namespace Seer.Formats.Tests.Support;

/// <summary>Builds zip archives with arbitrary entry names (including hostile ones).</summary>
public static class Zips
{
    public static string Create(string path, params (string Name, byte[] Bytes)[] entries)
    {
        using var stream = new FileStream(path, FileMode.CreateNew);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            var entry = zip.CreateEntry(name);
            using var s = entry.Open();
            s.Write(bytes);
        }
        return path;
    }
}
