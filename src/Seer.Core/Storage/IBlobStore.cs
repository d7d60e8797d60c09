namespace Seer.Core.Storage;

/// <summary>
/// A content-addressed blob store: Put stores bytes under their SHA-256 atomically (never a half-written blob) and
/// returns the hash; storing the same bytes twice stores them once. Files on disk now, S3 later.
/// </summary>
public interface IBlobStore : IBlobReader
{
    Task<BlobPut> PutAsync(Stream content, CancellationToken cancellationToken);
}

/// <summary>The result of storing a blob.</summary>
public readonly record struct BlobPut(string Sha256, long Length, bool AlreadyPresent);
