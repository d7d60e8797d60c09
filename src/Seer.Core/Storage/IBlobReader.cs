namespace Seer.Core.Storage;

/// <summary>Reads content-addressed blobs (image files) by their lower-case hex SHA-256.</summary>
public interface IBlobReader
{
    /// <summary>Opens a blob; throws <see cref="Errors.SeerException"/> (not_found) when absent.</summary>
    Stream OpenRead(string sha256);

    bool Exists(string sha256);

    /// <summary>
    /// A local file path holding the blob's bytes when the store keeps files on this machine (fast path for
    /// decoders that want a path); null otherwise (e.g. S3).
    /// </summary>
    string? TryGetLocalPath(string sha256);

    /// <summary>
    /// Brings blobs about to be read close to this machine, several at a time (a remote store with a local cache
    /// copies the missing ones into it); a store on this machine has nothing to do. Returns how many were copied.
    /// </summary>
    int Stage(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken) => 0;
}
