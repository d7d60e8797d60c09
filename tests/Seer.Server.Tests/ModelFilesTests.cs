using Seer.Data.Postgres;
using Seer.Data.Storage;
using Seer.Hosting.Postgres;

namespace Seer.Server.Tests;

/// <summary>
/// The cluster's model files (PostgreSQL records + blobs): copies of one model made at the same time — two requests
/// for a model page, the branches of a flow job evaluating one model on several datasets — each end with every file
/// whole, and leave no temp file behind.
/// </summary>
public sealed class ModelFilesTests
{
    [Fact]
    public async Task ConcurrentFetchesOfOneModel_EachEndWithEveryFileWhole_AndNoTempFileLeft()
    {
        string root = TestPaths.TempDir();
        using var db = new PostgresDatabase(JobQueueBackendTests.NewDatabase());
        db.Migrate(PostgresMigrations.Ledger, PostgresMigrations.All);
        var files = new PostgresModelFiles(db, new FileBlobStore(Path.Combine(root, "blobs")));

        string trained = Path.Combine(root, "trained", "m-1");
        Directory.CreateDirectory(Path.Combine(trained, "checkpoints"));
        var random = new Random(5);
        var expected = new Dictionary<string, byte[]>();
        for (int i = 0; i < 6; i++)
        {
            var bytes = new byte[3_000_000 + i];
            random.NextBytes(bytes);
            string rel = i % 2 == 0 ? $"part{i}.bin" : Path.Combine("checkpoints", $"epoch{i}.ckpt");
            await File.WriteAllBytesAsync(Path.Combine(trained, rel), bytes);
            expected[rel] = bytes;
        }
        await File.WriteAllTextAsync(Path.Combine(trained, "model.json"), "{\"id\":\"m-1\"}");
        files.Publish("m-1", trained);

        string copy = Path.Combine(root, "mirror", "m-1");
        using var start = new Barrier(8);
        var copies = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return files.Fetch("m-1", copy);
        })).ToArray();
        Assert.All(await Task.WhenAll(copies), Assert.True);

        foreach (var (rel, bytes) in expected)
        {
            byte[] copied = await File.ReadAllBytesAsync(Path.Combine(copy, rel));
            Assert.True(bytes.SequenceEqual(copied), rel + " differs from the published file");
        }
        Assert.Empty(Directory.EnumerateFiles(copy, "*.tmp", SearchOption.AllDirectories));
        Directory.Delete(root, recursive: true);
    }
}
