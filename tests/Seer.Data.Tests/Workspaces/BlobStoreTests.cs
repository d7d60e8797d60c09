using System.Security.Cryptography;
using Seer.Core.Errors;
using Seer.Core.Storage;
using Seer.Data.Storage;
using Seer.Tests.Shared;

namespace Seer.Data.Tests.Workspaces;

/// <summary>
/// The blob store contract on both backends: files under a folder and S3 (s3rver started by scripts/services.sh,
/// each test in a bucket prefix of its own). File- and S3-specific behaviour follows the shared tests.
/// </summary>
public sealed class BlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "seer-blobs-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _open = [];

    public static TheoryData<string> Backends => new() { "files", "s3" };

    /// <summary>An S3 location under a fresh prefix of the test bucket.</summary>
    internal static BlobStoreLocation S3Location(string? prefix = null)
    {
        var services = ScaleServices.Current;
        var baseUri = new Uri(services.Blobs);
        string url = $"s3://{baseUri.Host}/{prefix ?? "test-" + Guid.NewGuid().ToString("N")}{baseUri.Query}";
        return BlobStoreLocation.Parse(url, "test", services.AccessKey, services.SecretKey);
    }

    private IBlobStore Create(string backend)
    {
        IBlobStore store = backend switch
        {
            "files" => new FileBlobStore(_root),
            "s3" => new S3BlobStore(S3Location()),
            _ => throw new ArgumentOutOfRangeException(nameof(backend)),
        };
        if (store is IDisposable d) _open.Add(d);
        return store;
    }

    private static IBlobBatch Batch(IBlobStore store) => store switch
    {
        FileBlobStore f => f.BeginBatch(),
        S3BlobStore s => s.BeginBatch(),
        _ => throw new ArgumentOutOfRangeException(nameof(store)),
    };

    private static byte[] Read(IBlobStore store, string sha)
    {
        using var s = store.OpenRead(sha);
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Put_StoresUnderSha256OnceAndReadsBack(string backend)
    {
        var store = Create(backend);
        var bytes = RandomNumberGenerator.GetBytes(5000);
        string expected = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.False(store.Exists(expected));
        var first = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);
        var second = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);
        Assert.Equal(expected, first.Sha256);
        Assert.Equal(5000, first.Length);
        Assert.False(first.AlreadyPresent);
        Assert.True(second.AlreadyPresent);
        Assert.True(store.Exists(expected));
        Assert.Equal(bytes, Read(store, expected));
        var empty = await store.PutAsync(new MemoryStream(), CancellationToken.None);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Array.Empty<byte>())), empty.Sha256);
        Assert.Empty(Read(store, empty.Sha256));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Batch_CommitMakesEveryBlobReadableAndCountsOnlyNewOnes(string backend)
    {
        var store = Create(backend);
        var a = RandomNumberGenerator.GetBytes(100);
        var b = RandomNumberGenerator.GetBytes(200);
        var before = await store.PutAsync(new MemoryStream(b), CancellationToken.None);
        using var batch = Batch(store);
        var results = new System.Collections.Concurrent.ConcurrentBag<BlobPut>();
        Parallel.For(0, 8, i => results.Add(batch.Add(i % 2 == 0 ? a : b)));
        batch.Commit();
        Assert.Equal(1, batch.StagedCount);
        Assert.Equal(100, batch.StagedBytes);
        Assert.Single(results, r => !r.AlreadyPresent);
        Assert.All(results.Where(r => r.Sha256 == before.Sha256), r => Assert.True(r.AlreadyPresent));
        string shaA = Convert.ToHexStringLower(SHA256.HashData(a));
        Assert.Equal(a, Read(store, shaA));
        Assert.Equal(b, Read(store, before.Sha256));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void OpenRead_MissingBlobIsNotFoundAndBadHashInvalid(string backend)
    {
        var store = Create(backend);
        var ex = Assert.Throws<SeerException>(() => store.OpenRead(new string('0', 64)));
        Assert.Equal(ErrorCodes.NotFound, ex.Code);
        var bad = Assert.Throws<SeerException>(() => store.OpenRead("../../etc/passwd"));
        Assert.Equal(ErrorCodes.InvalidInput, bad.Code);
        Assert.False(store.Exists(new string('1', 64)));
    }

    [Fact]
    public async Task Files_KeepShardedPathsAndLeaveNoTemp()
    {
        var store = new FileBlobStore(_root);
        var bytes = RandomNumberGenerator.GetBytes(5000);
        var put = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);
        string sha = put.Sha256;
        Assert.Equal(Path.Combine(_root, sha[..2], sha[2..4], sha), store.TryGetLocalPath(sha));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public void Files_BatchIsInvisibleUntilCommittedAndDiscardedWhenDropped()
    {
        var store = new FileBlobStore(_root);
        var a = RandomNumberGenerator.GetBytes(100);
        string shaA;
        using (var dropped = store.BeginBatch())
        {
            shaA = dropped.Add(a).Sha256;
            Assert.False(store.Exists(shaA));
        }
        Assert.False(store.Exists(shaA));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public void Files_CleanAbandonedTempRemovesOnlyDeadProcessesFiles()
    {
        var store = new FileBlobStore(_root);
        string tmp = Path.Combine(_root, "tmp");
        // A pid above the kernel's pid_max cannot be alive.
        string dead = Path.Combine(tmp, "2147483600-abc");
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, "half"), "partial");
        File.WriteAllText(Path.Combine(tmp, "2147483600-x.part"), "partial");
        string mine = Path.Combine(tmp, $"{Environment.ProcessId}-live");
        Directory.CreateDirectory(mine);
        Assert.Equal(2, store.CleanAbandonedTemp());
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(mine));
    }

    [Fact]
    public async Task S3_LargeBlobGoesUpInPartsUnderItsHashKeyAndReadsBackWhole()
    {
        var location = S3Location();
        using var store = new S3BlobStore(location) { MultipartThreshold = 6 << 20, PartSize = 5 << 20 };
        var bytes = RandomNumberGenerator.GetBytes((12 << 20) + 12345); // 3 parts: 5 + 5 + 2 MiB
        var put = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);
        Assert.False(put.AlreadyPresent);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), put.Sha256);
        Assert.Null(store.TryGetLocalPath(put.Sha256));
        // The object sits at PREFIX/<sha256> in the bucket, on s3rver's disk as a file of that name.
        Assert.Equal(location.Prefix + put.Sha256, store.KeyOf(put.Sha256));
        // A second store (a fresh process: no cache) sees it and does not upload again.
        using var other = new S3BlobStore(location) { MultipartThreshold = 6 << 20, PartSize = 5 << 20 };
        Assert.True((await other.PutAsync(new MemoryStream(bytes), CancellationToken.None)).AlreadyPresent);
        using var read = other.OpenRead(put.Sha256);
        Assert.True(read.CanSeek);
        Assert.Equal(bytes.Length, read.Length);
        using var copy = new MemoryStream();
        read.CopyTo(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task S3_CacheKeepsALocalCopyOfWhatWasRead_CheckedAgainstItsHash()
    {
        var location = S3Location();
        using var writer = new S3BlobStore(location);
        var bytes = RandomNumberGenerator.GetBytes(50_000);
        string sha = (await writer.PutAsync(new MemoryStream(bytes), CancellationToken.None)).Sha256;
        using var raw = RawClient(location);

        string cacheRoot = Path.Combine(_root, "cache");
        using var reader = new S3BlobStore(location) { CacheRoot = cacheRoot };
        Assert.Null(reader.TryGetLocalPath(sha));
        Assert.Equal(bytes, Read(reader, sha));
        string? local = reader.TryGetLocalPath(sha);
        Assert.NotNull(local);
        Assert.StartsWith(cacheRoot, local);
        Assert.Equal(bytes, File.ReadAllBytes(local));
        // the copy serves later reads: gone from the bucket, still readable here
        await raw.DeleteObjectAsync(location.Bucket, location.Prefix + sha);
        Assert.Equal(bytes, Read(reader, sha));
        Assert.Throws<SeerException>(() => Read(writer, sha));

        // staging copies what is missing, many reads at a time, and only once
        var more = Enumerable.Range(0, 40).Select(_ => RandomNumberGenerator.GetBytes(3000)).ToList();
        var hashes = new List<string>();
        foreach (var m in more) hashes.Add((await writer.PutAsync(new MemoryStream(m), CancellationToken.None)).Sha256);
        Assert.Equal(40, reader.Stage([.. hashes, sha], CancellationToken.None));
        for (int i = 0; i < more.Count; i++) Assert.Equal(more[i], File.ReadAllBytes(reader.TryGetLocalPath(hashes[i])!));
        Assert.Equal(0, reader.Stage(hashes, CancellationToken.None));
        Assert.Equal(0, ((IBlobReader)new FileBlobStore(Path.Combine(_root, "files"))).Stage(hashes, CancellationToken.None));

        // an object whose bytes do not hash to its name is refused, not cached under that name
        var other = RandomNumberGenerator.GetBytes(1000);
        string claimed = Convert.ToHexStringLower(SHA256.HashData(RandomNumberGenerator.GetBytes(8)));
        await raw.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
        {
            BucketName = location.Bucket, Key = location.Prefix + claimed, InputStream = new MemoryStream(other),
            UseChunkEncoding = false,
        });
        var error = Assert.Throws<SeerException>(() => Read(reader, claimed));
        Assert.Contains("does not hash to its name", error.Message);
        Assert.Null(reader.TryGetLocalPath(claimed));
    }

    private static Amazon.S3.AmazonS3Client RawClient(BlobStoreLocation location) => new(
        new Amazon.Runtime.BasicAWSCredentials(location.AccessKey, location.SecretKey),
        new Amazon.S3.AmazonS3Config
        {
            ServiceURL = location.Endpoint!.ToString(), ForcePathStyle = true, AuthenticationRegion = location.Region,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });

    [Fact]
    public async Task S3_ConcurrentPutsOfTheSameBytesStoreOneObject()
    {
        var location = S3Location();
        var bytes = RandomNumberGenerator.GetBytes(70_000);
        var stores = Enumerable.Range(0, 4).Select(_ => new S3BlobStore(location)).ToList();
        _open.AddRange(stores);
        var puts = await Task.WhenAll(stores.Select(s => s.PutAsync(new MemoryStream(bytes), CancellationToken.None)));
        Assert.All(puts, p => Assert.Equal(puts[0].Sha256, p.Sha256));
        Assert.Contains(puts, p => !p.AlreadyPresent);
        Assert.Equal(bytes, Read(stores[3], puts[0].Sha256));
    }

    [Fact]
    public void S3_WrongCredentialsAndMissingBucketAreClearErrors()
    {
        var services = ScaleServices.Current;
        var good = new Uri(services.Blobs);
        var wrong = BlobStoreLocation.Parse(services.Blobs, "test", "nobody", "wrong-secret");
        using (var store = new S3BlobStore(wrong))
        {
            var ex = Assert.Throws<SeerException>(store.Probe);
            Assert.Equal(ErrorCodes.Unauthorized, ex.Code);
            Assert.Contains("AWS_ACCESS_KEY_ID", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-secret", ex.Message, StringComparison.Ordinal);
        }
        var missing = BlobStoreLocation.Parse($"s3://no-such-bucket{good.Query}", "test", services.AccessKey, services.SecretKey);
        using (var store = new S3BlobStore(missing))
        {
            var ex = Assert.Throws<SeerException>(store.Probe);
            Assert.Equal(ErrorCodes.Unavailable, ex.Code);
            Assert.Contains("no-such-bucket", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://host/bucket")]
    [InlineData("s3://")]
    [InlineData("s3://bucket?endpoint=ftp://x")]
    [InlineData("s3://bucket?endpoint=http://127.0.0.1:1&colour=red")]
    public void Location_RejectsWhatIsNotAnS3Url(string url)
    {
        var ex = Assert.Throws<SeerException>(() => BlobStoreLocation.Parse(url, "SEER_BLOBS", "k", "s"));
        Assert.Equal(ErrorCodes.InvalidOptions, ex.Code);
        Assert.Equal("SEER_BLOBS", ex.Path);
    }

    [Fact]
    public void Location_ReadsBucketPrefixEndpointAndRegion()
    {
        var l = BlobStoreLocation.Parse("s3://team-bucket/ws/one?endpoint=http://127.0.0.1:9000&region=eu-west-1", "x", "key-id", "top-secret");
        Assert.Equal(("team-bucket", "ws/one/", "eu-west-1"), (l.Bucket, l.Prefix, l.Region));
        Assert.Equal(new Uri("http://127.0.0.1:9000"), l.Endpoint);
        Assert.Equal("blobs/", BlobStoreLocation.Parse("s3://b?endpoint=http://h:1", "x", "k", "s").Prefix);
        Assert.Equal("s3://team-bucket/ws/one?endpoint=http://127.0.0.1:9000", l.ToString());
    }

    public void Dispose()
    {
        foreach (var d in _open) d.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
