using Microsoft.Data.Sqlite;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Metadata;
using Seer.Data.Operations;
using Seer.Data.Postgres;
using Seer.Data.Tests.Support;
using Seer.Data.Versions;
using static Seer.Data.Tests.Support.Items;

namespace Seer.Data.Tests.Workspaces;

public class WorkspaceTests
{
    [Fact]
    public void Open_CreatesWalDatabaseWithEveryMigrationRecorded()
    {
        using var t = new TempWorkspace();
        var store = Assert.IsType<SqliteMetadataStore>(t.Workspace.Metadata);
        Assert.Equal("wal", store.JournalMode);
        Assert.Equal(4, store.SchemaVersion);
        t.Reopen();
        using var c = new SqliteConnection($"Data Source={Path.Combine(t.Home, "seer.db")}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)";
        Assert.Equal("1,2,3,4", cmd.ExecuteScalar());
        Assert.True(Directory.Exists(Path.Combine(t.Home, "blobs")));
    }

    [Fact]
    public async Task Postgres_MetadataLivesInTheDatabaseWithItsOwnLedgerAndIdentity()
    {
        using var t = new TempWorkspace("postgres");
        var store = Assert.IsType<PostgresMetadataStore>(t.Workspace.Metadata);
        Assert.Equal(PostgresMetadataMigrations.All[^1].Version, store.SchemaVersion);
        string id = store.WorkspaceId;
        Assert.Matches("^[0-9a-f]{32}$", id);
        await t.Workspace.ImportAsync("cats", Labelled("a.jpg", TestImages.Jpeg(64, 48, 1), ("cat", Box(1, 1, 20, 20))));
        // Nothing of the metadata is in the folder's SQLite file (it keeps only the empty schema).
        using (var local = new SqliteMetadataStore(Path.Combine(t.Home, "seer.db"))) Assert.Empty(local.ListDatasets());
        var again = t.Reopen();
        Assert.Equal(id, again.Metadata.WorkspaceId);
        Assert.Equal(["cats"], again.ListDatasets().Select(d => d.Name));
        using (var db = new PostgresDatabase(t.Database!))
        using (var c = db.Open())
        using (var cmd = new Npgsql.NpgsqlCommand($"SELECT string_agg(version::text, ',' ORDER BY version) FROM {PostgresMetadataMigrations.Ledger}", c))
            Assert.Equal(string.Join(",", PostgresMetadataMigrations.All.Select(m => m.Version)), cmd.ExecuteScalar());
        // A store with datasets keeps its identity.
        Assert.Equal(ErrorCodes.Conflict, Assert.Throws<SeerException>(() => again.Metadata.AdoptWorkspaceId("0123")).Code);
        Assert.Equal(id, again.Metadata.WorkspaceId);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Commit_FailingOnItsLastImageRowWritesNothing(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        var stored = await ws.Blobs.PutAsync(new MemoryStream(TestImages.Jpeg(30, 30, 9)), CancellationToken.None);
        var image = new ImageRecord(stored.Sha256, "a.jpg", 30, 30);
        var first = ws.CommitVersion("d", [image], [], "mine", null);
        // Two rows with one file name: the unique index fails the last row, after the version row and the first image.
        var commit = new VersionCommit("d", new string('e', 64), "digest", [first.Version.Version], "mine", "{}", ["x"],
            [image, image with { ContentHash = stored.Sha256 }], ["never-added"], new Dictionary<string, string>(), DateTimeOffset.UtcNow);
        Assert.ThrowsAny<Exception>(() => ws.Metadata.Commit(commit));
        Assert.Equal(first.Version.Version, ws.Metadata.FindHead("d"));
        Assert.Null(ws.Metadata.GetVersion(commit.VersionId));
        Assert.DoesNotContain("never-added", ws.Labels.Labels);
        Assert.Equal([first.Version.Version], ws.Metadata.ListVersionIds());
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Versions_AreContentAddressedAndIdempotent(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        var r1 = await ws.ImportAsync("cats", Labelled("a.jpg", TestImages.Jpeg(64, 48, 1), ("cat", Box(1, 1, 20, 20))));
        var snap = ws.OpenSnapshot(new DatasetRef("cats", null));
        Assert.Equal(64, snap.Version.Length);

        var again = ws.CommitVersion("cats", snap.Images, [snap.Version], "filter", new { labels = new[] { "cat" } });
        var same = ws.CommitVersion("cats", snap.Images, [snap.Version], "filter", new { labels = new[] { "cat" } });
        Assert.True(again.Created);
        Assert.False(same.Created);
        Assert.Equal(again.Version.Version, same.Version.Version);
        var other = ws.CommitVersion("cats", snap.Images, [snap.Version], "sample", new { count = 1 });
        Assert.NotEqual(again.Version.Version, other.Version.Version);

        // Short prefixes resolve like git's; the head is the latest commit.
        var byPrefix = ws.Resolve(new DatasetRef("cats", VersionIds.Short(r1.Version)));
        Assert.Equal(r1.Version, byPrefix.Version);
        Assert.Equal(other.Version.Version, ws.Resolve(new DatasetRef("cats", null)).Version);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Log_WalksLineageAcrossDatasets(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        var a = await ws.ImportAsync("a", Labelled("x.jpg", TestImages.Jpeg(40, 40, 2), ("dog", Box(0, 0, 10, 10))));
        var b = await ws.ImportAsync("b", Labelled("y.jpg", TestImages.Jpeg(40, 40, 3), ("cat", Box(0, 0, 10, 10))));
        var merged = new DatasetOperations(ws).Merge([new DatasetRef("a", null), new DatasetRef("b", null)], "ab",
            MergeConflictStrategy.Fail);
        var log = ws.Log(new DatasetRef("ab", null));
        Assert.Equal(3, log.Count);
        Assert.Equal("merge", log[0].Operation);
        Assert.Equal([a.Version, b.Version], log[0].Parents);
        Assert.Contains(log, v => v.Dataset == "a" && v.Operation == "import");
        Assert.Contains("\"sources\"", merged.Versions[0].Version.ParametersJson, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task Resolve_NamesWhatIsMissing(string backend)
    {
        using var t = new TempWorkspace(backend);
        var missing = Assert.Throws<SeerException>(() => t.Workspace.OpenSnapshot(DatasetRef.Parse("nope")));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        Assert.Contains("'nope'", missing.Message, StringComparison.Ordinal);
        await t.Workspace.ImportAsync("d", Image("p.jpg", TestImages.Jpeg(32, 32, 4)));
        var badVersion = Assert.Throws<SeerException>(() => t.Workspace.OpenSnapshot(DatasetRef.Parse("d@ffffffff")));
        Assert.Contains("no version 'ffffffff'", badVersion.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public void CommitVersion_RefusesImagesWhoseBytesAreNotStored(string backend)
    {
        using var t = new TempWorkspace(backend);
        var record = new ImageRecord(new string('a', 64), "ghost.jpg", 10, 10);
        var ex = Assert.Throws<SeerException>(() => t.Workspace.CommitVersion("g", [record], [], "mine", null));
        Assert.Contains("ghost.jpg", ex.Message, StringComparison.Ordinal);
        Assert.Empty(t.Workspace.ListDatasets());
    }

    [Theory]
    [MemberData(nameof(TempWorkspace.Backends), MemberType = typeof(TempWorkspace))]
    public async Task CommitVersion_MapsAliasesAndAddsNewLabels(string backend)
    {
        using var t = new TempWorkspace(backend);
        var ws = t.Workspace;
        await ws.ImportAsync("p", Labelled("a.jpg", TestImages.Jpeg(50, 50, 5), ("person", Box(1, 1, 9, 9))));
        ws.AddAlias("pedestrian", "person");
        var snap = ws.OpenSnapshot(new DatasetRef("p", null));
        var predicted = snap.Images.Select(i => i with
        {
            Objects = [new Core.Annotations.ObjectAnnotation("pedestrian", Box(2, 2, 8, 8)) { Score = 0.9, Source = Core.Annotations.AnnotationSource.Predicted },
                       new Core.Annotations.ObjectAnnotation("bicycle", Box(3, 3, 9, 9))],
        }).ToList();
        var r = ws.CommitVersion("p", predicted, [snap.Version], "pre-annotate", new { model = "m1" });
        var read = ws.OpenSnapshot(new DatasetRef("p", VersionIds.Short(r.Version.Version)));
        Assert.Equal(["person", "bicycle"], read.Images[0].Objects.Select(o => o.Label));
        Assert.Equal(0.9, read.Images[0].Objects[0].Score);
        Assert.Equal(Core.Annotations.AnnotationSource.Predicted, read.Images[0].Objects[0].Source);
        Assert.Equal(["person", "bicycle"], read.Classes);
        Assert.Contains("bicycle", ws.Labels.Labels);
    }
}
