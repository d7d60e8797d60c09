using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Seer.Core.Errors;
using Seer.Core.Storage;

namespace Seer.Data.Storage;

/// <summary>
/// Content-addressed blobs in an S3-compatible bucket: a blob with SHA-256 <c>abcd…</c> is the object
/// <c>PREFIX/abcd…</c>. Put hashes the bytes first (in memory up to <see cref="MultipartThreshold"/>, else in a temp
/// file), then writes only absent objects (HEAD, then PUT with <c>If-None-Match: *</c>; a 412 means another writer
/// stored the same bytes first), in one PUT or, from <see cref="MultipartThreshold"/> on, as a multipart upload of
/// <see cref="PartSize"/> parts that is aborted on failure (S3 never shows half an object). The client uses
/// path-style addressing, no aws-chunked bodies and checksums only where S3 requires them, which S3-compatible
/// servers (s3rver, Swift, Ceph, MinIO) accept. Objects never change once written, so a hash seen present is cached,
/// and with a <see cref="CacheRoot"/> the bytes of every blob read are kept on this machine (checked against their
/// hash when fetched): a worker that trains on a dataset again, or evaluates it each epoch, reads local files.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private const int KnownLimit = 1 << 20;

    public S3BlobStore(BlobStoreLocation location)
    {
        Location = location ?? throw new ArgumentNullException(nameof(location));
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            AuthenticationRegion = location.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 3,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (location.Endpoint is not null) config.ServiceURL = location.Endpoint.ToString();
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(location.Region);
        _client = new AmazonS3Client(new BasicAWSCredentials(location.AccessKey, location.SecretKey), config);
    }

    public BlobStoreLocation Location { get; }

    /// <summary>Objects of at least this many bytes go up as multipart uploads (default 16 MiB).</summary>
    public long MultipartThreshold { get; init; } = 16L << 20;

    /// <summary>Size of each multipart part but the last (default 8 MiB; S3's minimum is 5 MiB).</summary>
    public int PartSize { get; init; } = 8 << 20;

    /// <summary>
    /// A folder on this machine keeping a copy of each blob read (null: no copies). Blobs are immutable and named by
    /// their hash, so a copy never goes stale; deleting the folder only costs re-reads.
    /// </summary>
    public string? CacheRoot
    {
        get => _cache?.Root;
        init => _cache = value is null ? null : new FileBlobStore(value);
    }

    private readonly FileBlobStore? _cache;

    /// <summary>The object key of a blob.</summary>
    public string KeyOf(string sha256)
    {
        FileBlobStore.ValidateHash(sha256);
        return Location.Prefix + sha256;
    }

    /// <summary>Checks the bucket answers with these credentials; a clear error otherwise.</summary>
    public void Probe()
    {
        try
        {
            Run(() => _client.HeadBucketAsync(new HeadBucketRequest { BucketName = Location.Bucket }), "head bucket");
        }
        catch (SeerException ex) when (ex.Code == ErrorCodes.NotFound)
        {
            throw new SeerException(ErrorCodes.Unavailable, $"S3 bucket '{Location.Bucket}' does not exist at {Location}; create it first", Location.ToString(), ex);
        }
    }

    public bool Exists(string sha256) => Run(() => ExistsAsync(sha256), "head " + KeyOf(sha256));

    /// <summary>Whether the object of this hash is in the bucket (HEAD; hashes seen present are cached).</summary>
    public async Task<bool> ExistsAsync(string sha256)
    {
        string key = KeyOf(sha256);
        if (_known.ContainsKey(sha256)) return true;
        try
        {
            await Call(() => _client.GetObjectMetadataAsync(Location.Bucket, key), "head " + key).ConfigureAwait(false);
        }
        catch (SeerException ex) when (ex.Code == ErrorCodes.NotFound)
        {
            return false;
        }
        Remember(sha256);
        return true;
    }

    public string? TryGetLocalPath(string sha256) => _cache?.TryGetLocalPath(sha256);

    /// <summary>
    /// Reads a blob into a seekable stream (memory up to the multipart threshold, else a temp file); with a
    /// <see cref="CacheRoot"/>, from the local copy, made on the first read after checking the bytes hash to the name.
    /// </summary>
    public Stream OpenRead(string sha256) => OpenReadAsync(sha256).GetAwaiter().GetResult();

    private async Task<Stream> OpenReadAsync(string sha256)
    {
        if (_cache is null) return await FetchAsync(sha256).ConfigureAwait(false);
        if (_cache.TryGetLocalPath(sha256) is null) await CopyToCacheAsync(sha256, _cache).ConfigureAwait(false);
        return _cache.OpenRead(sha256);
    }

    private async Task CopyToCacheAsync(string sha256, FileBlobStore cache)
    {
        await using var fetched = await FetchAsync(sha256).ConfigureAwait(false);
        var put = await cache.PutAsync(fetched, CancellationToken.None).ConfigureAwait(false);
        if (put.Sha256 != sha256)
            throw new SeerException(ErrorCodes.Unavailable,
                $"the object {KeyOf(sha256)} in {Location} does not hash to its name (got {put.Sha256}): the bucket's copy is damaged", KeyOf(sha256));
    }

    /// <summary>
    /// Copies the blobs not yet in the local cache into it, <see cref="StageParallelism"/> reads at a time (S3 is
    /// latency-bound: one read after another leaves the CPU waiting). Nothing without a <see cref="CacheRoot"/>.
    /// </summary>
    public int Stage(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sha256s);
        if (_cache is not { } cache) return 0;
        var missing = sha256s.Distinct(StringComparer.Ordinal).Where(h => cache.TryGetLocalPath(h) is null).ToList();
        if (missing.Count == 0) return 0;
        // one batch: the copies become durable with one file-system sync, not one per blob
        using var batch = cache.BeginBatch();
        Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = StageParallelism, CancellationToken = cancellationToken },
            async (sha, _) =>
            {
                await using var fetched = await FetchAsync(sha).ConfigureAwait(false);
                using var bytes = new MemoryStream();
                await fetched.CopyToAsync(bytes).ConfigureAwait(false);
                var put = batch.Add(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
                if (put.Sha256 != sha)
                    throw new SeerException(ErrorCodes.Unavailable,
                        $"the object {KeyOf(sha)} in {Location} does not hash to its name (got {put.Sha256}): the bucket's copy is damaged", KeyOf(sha));
            }).GetAwaiter().GetResult();
        batch.Commit();
        return missing.Count;
    }

    /// <summary>Reads in flight while staging (default 16).</summary>
    public int StageParallelism { get; init; } = 16;

    /// <summary>Reads a blob from the bucket into a seekable stream (memory up to the multipart threshold, else a temp file).</summary>
    private Task<Stream> FetchAsync(string sha256)
    {
        string key = KeyOf(sha256);
        return Call(async () =>
        {
            using var response = await _client.GetObjectAsync(Location.Bucket, key).ConfigureAwait(false);
            long length = response.ContentLength;
            Stream target = length < MultipartThreshold
                ? new MemoryStream(checked((int)Math.Max(0, length)))
                : new FileStream(Path.Combine(Path.GetTempPath(), $"seer-s3-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite,
                    FileShare.None, 81920, FileOptions.DeleteOnClose);
            try
            {
                await response.ResponseStream.CopyToAsync(target).ConfigureAwait(false);
                if (target.Length != length)
                    throw new SeerException(ErrorCodes.Unavailable, $"S3 returned {target.Length} of {length} bytes of {key}", key);
                target.Position = 0;
                return target;
            }
            catch
            {
                await target.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }, "get " + key, notFound: $"blob {sha256} is not in the blob store at {Location}");
    }

    public async Task<BlobPut> PutAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        // Hash first: the key is the hash. Small blobs stay in memory; large ones spool to a temp file.
        string? spool = null;
        Stream staged = new MemoryStream();
        try
        {
            string sha;
            long length = 0;
            using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hasher.AppendData(buffer, 0, read);
                    if (spool is null && length + read >= MultipartThreshold)
                    {
                        spool = Path.Combine(Path.GetTempPath(), $"seer-s3-put-{Environment.ProcessId}-{Guid.NewGuid():N}");
                        var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
                        staged.Position = 0;
                        await staged.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                        await staged.DisposeAsync().ConfigureAwait(false);
                        staged = file;
                    }
                    await staged.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }
                sha = Convert.ToHexStringLower(hasher.GetHashAndReset());
            }
            staged.Position = 0;
            bool stored = await PutStagedAsync(sha, staged, length, cancellationToken).ConfigureAwait(false);
            return new BlobPut(sha, length, AlreadyPresent: !stored);
        }
        finally
        {
            await staged.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stores bytes already in memory (the batch path): hash, then put-if-absent.</summary>
    public BlobPut Put(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        string sha = Convert.ToHexStringLower(digest);
        if (_known.ContainsKey(sha)) return new BlobPut(sha, bytes.Length, AlreadyPresent: true);
        var stream = new MemoryStream(bytes.ToArray(), writable: false);
        long length = bytes.Length;
        bool stored = Run(() => PutStagedAsync(sha, stream, length, CancellationToken.None), "put " + KeyOf(sha));
        return new BlobPut(sha, bytes.Length, AlreadyPresent: !stored);
    }

    /// <summary>Starts a batch of puts (import, synthesis); see <see cref="IBlobBatch"/>.</summary>
    public IBlobBatch BeginBatch() => new S3BlobBatch(this);

    /// <summary>Writes the object unless present; false when it was already there.</summary>
    private async Task<bool> PutStagedAsync(string sha, Stream staged, long length, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(sha).ConfigureAwait(false)) return false;
        string key = KeyOf(sha);
        bool stored = length >= MultipartThreshold
            ? await MultipartAsync(key, staged, length, cancellationToken).ConfigureAwait(false)
            : await Call(async () =>
            {
                try
                {
                    await _client.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = Location.Bucket,
                        Key = key,
                        InputStream = staged,
                        AutoCloseStream = false,
                        UseChunkEncoding = false,
                        IfNoneMatch = "*",
                        ContentType = "application/octet-stream",
                    }, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    return false; // another writer stored the same bytes first
                }
            }, "put " + key).ConfigureAwait(false);
        Remember(sha);
        return stored;
    }

    private async Task<bool> MultipartAsync(string key, Stream staged, long length, CancellationToken cancellationToken)
    {
        var init = await Call(() => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Location.Bucket,
            Key = key,
            ContentType = "application/octet-stream",
        }, cancellationToken), "start multipart upload of " + key).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            var buffer = new byte[PartSize];
            long offset = 0;
            for (int number = 1; offset < length; number++)
            {
                int size = (int)Math.Min(PartSize, length - offset);
                await staged.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                var part = await Call(() => _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Location.Bucket,
                    Key = key,
                    UploadId = init.UploadId,
                    PartNumber = number,
                    PartSize = size,
                    InputStream = new MemoryStream(buffer, 0, size, writable: false),
                    UseChunkEncoding = false,
                }, cancellationToken), $"upload part {number} of {key}").ConfigureAwait(false);
                parts.Add(new PartETag(number, part.ETag));
                offset += size;
            }
            await Call(() => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Location.Bucket,
                Key = key,
                UploadId = init.UploadId,
                PartETags = parts,
            }, cancellationToken), "complete multipart upload of " + key).ConfigureAwait(false);
            return true;
        }
        catch
        {
            try
            {
                await _client.AbortMultipartUploadAsync(Location.Bucket, key, init.UploadId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonServiceException)
            {
                // The upload stays incomplete and invisible; a bucket lifecycle rule removes it.
            }
            throw;
        }
    }

    private void Remember(string sha)
    {
        if (_known.Count < KnownLimit) _known.TryAdd(sha, true);
    }

    /// <summary>
    /// Runs an S3 call synchronously (the blob reader interface is synchronous; the SDK has only async calls on .NET).
    /// The SDK awaits with ConfigureAwait(false), so blocking here cannot deadlock; no extra Task.Run, which under many
    /// parallel callers would wait for thread-pool threads of its own.
    /// </summary>
    private T Run<T>(Func<Task<T>> call, string what, string? notFound = null) =>
        Call(call, what, notFound).GetAwaiter().GetResult();

    /// <summary>Maps S3 failures to SeerExceptions that name the object and the reason.</summary>
    private async Task<T> Call<T>(Func<Task<T>> call, string what, string? notFound = null)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new SeerException(ErrorCodes.NotFound, notFound ?? $"S3 {what}: not found at {Location}", Location.ToString(), ex);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new SeerException(ErrorCodes.Unauthorized,
                $"S3 {what} at {Location} refused ({(int)ex.StatusCode} {ex.ErrorCode}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", Location.ToString(), ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new SeerException(ErrorCodes.Unavailable, $"S3 {what} at {Location} failed: {ex.Message}", Location.ToString(), ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SeerException(ErrorCodes.Unavailable, $"S3 endpoint of {Location} cannot be reached: {ex.Message}", Location.ToString(), ex);
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>
/// The S3 side of <see cref="IBlobBatch"/>: Add puts each new object at once (put-if-absent, from parallel workers);
/// Commit has nothing left to flush, since S3 acknowledges a PUT only once the object is durable.
/// </summary>
public sealed class S3BlobBatch : IBlobBatch
{
    private readonly S3BlobStore _store;
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);
    private int _count;
    private long _bytes;

    internal S3BlobBatch(S3BlobStore store) => _store = store;

    public int StagedCount => _count;

    public long StagedBytes => Interlocked.Read(ref _bytes);

    public BlobPut Add(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        var put = _store.Put(bytes);
        if (!put.AlreadyPresent && _seen.TryAdd(put.Sha256, true))
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _bytes, put.Length);
            return put;
        }
        return put with { AlreadyPresent = true };
    }

    private bool _committed;

    /// <summary>Closes the batch: every Add has returned only after S3 acknowledged its object as stored.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _committed = true;
    }

    /// <summary>Closes the batch; objects already written stay (content-addressed, referenced by no version).</summary>
    public void Dispose() => _committed = true;
}
