using Microsoft.Data.Sqlite;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data.Metadata;
using Seer.Data.Operations;
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
        Assert.Equal(3, store.SchemaVersion);
        t.Reopen();
        using var c = new SqliteConnection($"Data Source={Path.Combine(t.Home, "seer.db")}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)";
        Assert.Equal("1,2,3", cmd.ExecuteScalar());
        Assert.True(Directory.Exists(Path.Combine(t.Home, "blobs")));
    }

    [Fact]
    public async Task Versions_AreContentAddressedAndIdempotent()
    {
        using var t = new TempWorkspace();
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

    [Fact]
    public async Task Log_WalksLineageAcrossDatasets()
    {
        using var t = new TempWorkspace();
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

    [Fact]
    public async Task Resolve_NamesWhatIsMissing()
    {
        using var t = new TempWorkspace();
        var missing = Assert.Throws<SeerException>(() => t.Workspace.OpenSnapshot(DatasetRef.Parse("nope")));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        Assert.Contains("'nope'", missing.Message, StringComparison.Ordinal);
        await t.Workspace.ImportAsync("d", Image("p.jpg", TestImages.Jpeg(32, 32, 4)));
        var badVersion = Assert.Throws<SeerException>(() => t.Workspace.OpenSnapshot(DatasetRef.Parse("d@ffffffff")));
        Assert.Contains("no version 'ffffffff'", badVersion.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommitVersion_RefusesImagesWhoseBytesAreNotStored()
    {
        using var t = new TempWorkspace();
        var record = new ImageRecord(new string('a', 64), "ghost.jpg", 10, 10);
        var ex = Assert.Throws<SeerException>(() => t.Workspace.CommitVersion("g", [record], [], "mine", null));
        Assert.Contains("ghost.jpg", ex.Message, StringComparison.Ordinal);
        Assert.Empty(t.Workspace.ListDatasets());
    }

    [Fact]
    public async Task CommitVersion_MapsAliasesAndAddsNewLabels()
    {
        using var t = new TempWorkspace();
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
