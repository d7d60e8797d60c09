using Seer.Core.Errors;
using Seer.Core.Storage;

namespace Seer.Formats.Tests.Support;

/// <summary>An in-memory blob reader for snapshots built in tests.</summary>
public sealed class MemoryBlobs : IBlobReader
{
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public string Add(byte[] bytes)
    {
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        _blobs[hash] = bytes;
        return hash;
    }

    public Stream OpenRead(string sha256) => _blobs.TryGetValue(sha256, out var b)
        ? new MemoryStream(b, writable: false)
        : throw new SeerException(ErrorCodes.NotFound, $"blob {sha256} not found");

    public bool Exists(string sha256) => _blobs.ContainsKey(sha256);

    public string? TryGetLocalPath(string sha256) => null;
}
