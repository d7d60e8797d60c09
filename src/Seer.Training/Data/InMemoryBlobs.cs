using System.Collections.Concurrent;
using System.Security.Cryptography;
using Seer.Core.Errors;
using Seer.Core.Storage;

namespace Seer.Training.Data;

/// <summary>
/// A content-addressed blob reader over bytes held in memory (SHA-256 keys): for generated datasets (synthesis,
/// benchmarks) and tests that train without a workspace.
/// </summary>
public sealed class InMemoryBlobs : IBlobReader
{
    private readonly ConcurrentDictionary<string, byte[]> blobs = new(StringComparer.Ordinal);

    /// <summary>Stores bytes and returns their lower-case hex SHA-256.</summary>
    public string Add(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        string hash = Convert.ToHexStringLower(SHA256.HashData(content));
        blobs.TryAdd(hash, content);
        return hash;
    }

    public Stream OpenRead(string sha256) =>
        blobs.TryGetValue(sha256, out byte[]? bytes)
            ? new MemoryStream(bytes, writable: false)
            : throw new SeerException(ErrorCodes.NotFound, $"blob {sha256} is not in the in-memory store", sha256);

    public bool Exists(string sha256) => blobs.ContainsKey(sha256);

    public string? TryGetLocalPath(string sha256) => null;
}
