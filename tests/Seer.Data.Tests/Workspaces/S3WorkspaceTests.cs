using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Storage;
using Seer.Data.Tests.Support;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Workspaces;

/// <summary>A workspace whose blobs live in S3 (SQLite metadata in the folder): import, reopen, read.</summary>
public sealed class S3WorkspaceTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-s3ws-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Import_PutsImageBytesInTheBucketAndReadsThemBackAfterReopen()
    {
        var location = BlobStoreTests.S3Location();
        byte[] a = TestImages.Jpeg(120, 80, 21), b = TestImages.Png(64, 48, 22);
        string version;
        using (var ws = Workspace.Open(_home, location))
        {
            Assert.IsType<S3BlobStore>(ws.Blobs);
            var r = await ws.ImportAsync("set", Labelled("a.jpg", a, ("car", Box(1, 1, 50, 40))), Image("b.png", b), Image("again.jpg", a));
            Assert.Equal(3, r.Images);
            Assert.Equal(2, r.NewBlobs);
            version = r.Version;
        }
        // Nothing of the images went to the folder: the blobs/ folder of the file store does not even exist.
        Assert.False(Directory.Exists(Path.Combine(_home, "blobs")));
        using (var ws = Workspace.Open(_home, location))
        {
            var snap = ws.OpenSnapshot(new DatasetRef("set", version));
            Assert.Equal(["a.jpg", "b.png", "again.jpg"], snap.Images.Select(i => i.FileName));
            foreach (var (image, bytes) in snap.Images.Zip([a, b, a]))
            {
                using var s = snap.OpenImage(image);
                using var copy = new MemoryStream();
                s.CopyTo(copy);
                Assert.Equal(bytes, copy.ToArray());
            }
        }
        // The same metadata against an empty prefix: the commit check refuses versions whose blobs are not there.
        using (var ws = Workspace.Open(_home, BlobStoreTests.S3Location()))
        {
            var snap = ws.OpenSnapshot(new DatasetRef("set", version));
            var ex = Assert.Throws<SeerException>(() => ws.CommitVersion("copy", snap.Images, [], "copy", null));
            Assert.Equal(ErrorCodes.NotFound, ex.Code);
            Assert.Contains("a.jpg", ex.Message, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
