using System.Security.Cryptography;
using OpenCvSharp;
using Seer.Core.Storage;

namespace Seer.Mining.Tests;

/// <summary>Real encoded images held in memory by content hash, for snapshots built in tests.</summary>
internal sealed class MemoryBlobs : IBlobReader
{
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    /// <summary>Encodes a distinct PNG (a rectangle at a position that depends on <paramref name="n"/>) and stores it.</summary>
    public string AddPng(int n, int width, int height)
    {
        using var m = new Mat(height, width, MatType.CV_8UC3, new Scalar(20 + n * 7 % 200, 40, 60));
        Cv2.Rectangle(m, new Rect(n % (width / 2), n % (height / 2), width / 3, height / 3), new Scalar(250, 250, 250), -1);
        var bytes = m.ImEncode(".png");
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        _blobs[hash] = bytes;
        return hash;
    }

    public Stream OpenRead(string sha256) => new MemoryStream(_blobs[sha256], writable: false);

    public bool Exists(string sha256) => _blobs.ContainsKey(sha256);

    public string? TryGetLocalPath(string sha256) => null;
}
