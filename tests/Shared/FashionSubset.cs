using System.Buffers.Binary;
using System.IO.Compression;

namespace Seer.Tests.Shared;

/// <summary>
/// Shared by the server and browser tests (linked into both projects). The first N images of Fashion-MNIST's test split (.data/fashion-mnist, scripts/fetch-data.sh) written as IDX files of
/// their own in a folder whose path says "fashion" (so the importer names the classes): a real classification set of any size.
/// </summary>
public static class FashionSubset
{
    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Seer.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Write(string parent, int count)
    {
        string dir = Path.Combine(parent, $"fashion-{count}");
        Directory.CreateDirectory(dir);
        string data = Path.Combine(RepoRoot(), ".data", "fashion-mnist");
        Copy(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "sub-images-idx3-ubyte"), count, 16, 28 * 28);
        Copy(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), Path.Combine(dir, "sub-labels-idx1-ubyte"), count, 8, 1);
        return dir;
    }

    private static void Copy(string gz, string target, int count, int header, int itemBytes)
    {
        using var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
        var head = new byte[header];
        input.ReadExactly(head);
        BinaryPrimitives.WriteInt32BigEndian(head.AsSpan(4), count);
        var body = new byte[count * itemBytes];
        input.ReadExactly(body);
        using var output = File.Create(target);
        output.Write(head);
        output.Write(body);
    }
}
