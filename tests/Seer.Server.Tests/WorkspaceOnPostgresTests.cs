using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Postgres;
using Seer.Tests.Shared;

namespace Seer.Server.Tests;

/// <summary>
/// A server with Seer:Database (SEER_DB) set, end to end: a dataset imported through the API is listed by the data
/// browser's endpoint and seen by a project, every one of those rows is in PostgreSQL (none in the local seer.db), and
/// a second server with another workspace folder on the same database sees the same images and project.
/// </summary>
public sealed class WorkspaceOnPostgresTests
{
    [Fact]
    public async Task WithSeerDb_TheBrowserListsImportedImages_AndAProjectSeesItsVersions_FromAnyServer()
    {
        string database = JobQueueBackendTests.NewDatabase();
        await using var host = await ServerHost.StartAsync(options: o => o.Database = database);
        Assert.IsType<PostgresMetadataStore>(host.Service<Workspace>().Metadata);
        await ProjectApiTests.ImportFashionAsync(host);
        var snapshot = host.Service<Workspace>().OpenSnapshot(DatasetRef.Parse("f"));
        var admin = host.Admin();
        var member = host.Member();

        // The data browser: the version's images, paged, sorted by name, filtered by label and by text.
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/datasets/f/images?limit=10&sort=file_name");
        Assert.Equal(160, page.GetProperty("total").GetInt64());
        Assert.Equal(snapshot.Version, page.GetProperty("version").GetString());
        Assert.Equal(snapshot.Images.Select(i => i.FileName).Order(StringComparer.Ordinal).Take(10),
            page.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()));
        string label = snapshot.Images[0].Tags[0];
        var byLabel = await admin.GetFromJsonAsync<JsonElement>($"/api/datasets/f/images?limit=1000&label={Uri.EscapeDataString(label)}");
        Assert.Equal(snapshot.Images.Count(i => i.Tags.Contains(label)), byLabel.GetProperty("total").GetInt64());
        string name = snapshot.Images[7].FileName;
        var byText = await admin.GetFromJsonAsync<JsonElement>($"/api/datasets/f/images?q={Uri.EscapeDataString(name.ToUpperInvariant())}");
        Assert.Equal([name], byText.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()));

        // A project on the imported versions.
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("/api/projects", ProjectApiTests.NewProject("pg"))).StatusCode);
        var project = await member.GetFromJsonAsync<JsonElement>("/api/projects/pg");
        var pool = host.Service<Workspace>().Resolve(DatasetRef.Parse("f-pool"));
        string poolRef = project.GetProperty("pool").GetString()!;
        Assert.StartsWith("f-pool@", poolRef, StringComparison.Ordinal);
        Assert.StartsWith(poolRef["f-pool@".Length..], pool.Version, StringComparison.Ordinal);
        Assert.Equal(pool.Version, host.Service<ProjectStore>().Get("pg").PoolVersion);

        // The rows are in PostgreSQL, with their own ledgers; the local seer.db has none of these tables.
        long Count(string sql) => ScaleServices.Scalar(database, sql);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM projects WHERE name = 'pg'"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM browse_indexed"));
        Assert.Equal(160, Count("SELECT COUNT(*) FROM browse_image_facts"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM active_learning_migrations"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM browse_migrations"));
        Assert.Equal(0, ScaleServices.LocalTables(host.Home, "projects", "iterations", "browse_indexed", "field_runs"));

        // A second server, its own workspace folder, the same database: the same images and the same project.
        await using var second = await ServerHost.StartAsync(options: o => o.Database = database);
        var again = await second.Admin().GetFromJsonAsync<JsonElement>("/api/datasets/f/images?limit=10&sort=file_name");
        Assert.Equal(160, again.GetProperty("total").GetInt64());
        Assert.Equal(page.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()),
            again.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()));
        Assert.Contains("pg", (await second.Admin().GetFromJsonAsync<JsonElement>("/api/projects")).EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task TwoServersOnOneDatabase_ShareAccountsTokensAndSettings()
    {
        string database = JobQueueBackendTests.NewDatabase();
        await using var a = await ServerHost.StartAsync(options: o => o.Database = database);
        await using var b = await ServerHost.StartAsync(options: o => o.Database = database);

        // A user made on one server exists on the other (with its password).
        Assert.Equal(HttpStatusCode.Created,
            (await a.Admin().PostAsJsonAsync("/api/users", new { name = "carol", role = "member", password = "long-enough-1" })).StatusCode);
        var users = await b.Admin().GetFromJsonAsync<JsonElement>("/api/users");
        Assert.Equal(["admin", "carol", "member"], users.EnumerateArray().Select(u => u.GetProperty("name").GetString()!).ToArray());
        Assert.NotNull(b.Service<Seer.Hosting.Accounts.AccountStore>().VerifyPassword("carol", "long-enough-1"));

        // A token made on one works on the other, until it is revoked on either.
        var token = await (await a.Member().PostAsJsonAsync("/api/tokens", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var onB = b.As(token.GetProperty("token").GetString()!);
        Assert.Equal("member", (await onB.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("name").GetString());
        a.Service<Seer.Hosting.Accounts.AccountStore>().RevokeToken(token.GetProperty("token").GetString()!.Split('_')[1]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/auth/me")).StatusCode);

        // A setting written through one is read through the other.
        Assert.Equal(HttpStatusCode.OK, (await a.Admin().PutAsJsonAsync("/api/settings/default_threshold", new { value = "0.35" })).StatusCode);
        var settings = await b.Admin().GetFromJsonAsync<JsonElement>("/api/settings");
        Assert.Equal("0.35", settings.GetProperty("default_threshold").GetString());

        // None of it is in either server's local seer.db.
        Assert.All(new[] { a.Home, b.Home }, home => Assert.Equal(0, ScaleServices.LocalTables(home, "users", "api_tokens", "settings")));
    }

    [Fact]
    public async Task AdminMigrate_CopiesProjectsFieldRunsAccountsAndSettings_AndTheServerOnPostgresUsesThem()
    {
        // A server on SQLite with a dataset, a project, a recorded field, a user, a token and a setting.
        string sqliteHome;
        string token;
        await using (var old = await ServerHost.StartAsync())
        {
            sqliteHome = old.Home;
            await ProjectApiTests.ImportFashionAsync(old);
            Assert.Equal(HttpStatusCode.Created, (await old.Member().PostAsJsonAsync("/api/projects", ProjectApiTests.NewProject("moved"))).StatusCode);
            old.Service<Seer.Data.Browse.ImageBrowser>().RecordFieldRun(DatasetRef.Parse("f"), "score", "test", null, null,
                Enumerable.Range(0, 160).ToDictionary(i => i, i => (double)(i % 7)));
            Assert.Equal(HttpStatusCode.Created,
                (await old.Admin().PostAsJsonAsync("/api/users", new { name = "carol", role = "member", password = "long-enough-1" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await old.Admin().PutAsJsonAsync("/api/settings/default_threshold", new { value = "0.4" })).StatusCode);
            token = (await (await old.Member().PostAsJsonAsync("/api/tokens", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            old.Service<Seer.Labeling.LabelingStore>().Create(new Seer.Labeling.TaskRequest("f-pool", Assignees: ["member"]), "admin");
        }

        // seer admin migrate's library calls: the metadata, then the stores beside it.
        string database = JobQueueBackendTests.NewDatabase();
        using (var source = Workspace.Open(sqliteHome, null, null))
        using (var target = new PostgresMetadataStore(new PostgresDatabase(database), ownsDatabase: true))
        {
            await Seer.Data.Migration.WorkspaceMigration.RunAsync(source, target, null, target.Display, null, CancellationToken.None);
            var tables = Seer.Hosting.Storage.WorkspaceStoresMigration.Copy(sqliteHome, target.Database).ToDictionary(t => t.Table);
            Assert.Equal(1, tables["projects"].Copied);
            Assert.Equal(1, tables["field_runs"].Copied);
            Assert.Equal(160, tables["field_values"].Copied);
            Assert.Equal(3, tables["users"].Copied);
            Assert.Equal(1, tables["settings"].Copied);
            Assert.Equal(1, tables["labeling_tasks"].Copied);
            Assert.Equal(80, tables["labeling_items"].Copied);
            Assert.All(tables.Values, t => Assert.Equal(t.SourceRows, t.TargetRows));
            // Again: nothing to copy.
            Assert.All(Seer.Hosting.Storage.WorkspaceStoresMigration.Copy(sqliteHome, target.Database), t => Assert.Equal(0, t.Copied));
        }

        // A server on the copy, with an empty workspace folder, sees all of it.
        await using var host = await ServerHost.StartAsync(options: o => o.Database = database);
        var member = host.As(token);
        Assert.Equal("member", (await member.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/projects/moved")).StatusCode);
        var sorted = await host.Admin().GetFromJsonAsync<JsonElement>("/api/datasets/f/images?sort=score&order=desc&limit=3");
        Assert.All(sorted.GetProperty("images").EnumerateArray(), i => Assert.Equal(6.0, i.GetProperty("score").GetDouble()));
        Assert.Equal("0.4", (await host.Admin().GetFromJsonAsync<JsonElement>("/api/settings")).GetProperty("default_threshold").GetString());
        Assert.NotNull(host.Service<Seer.Hosting.Accounts.AccountStore>().VerifyPassword("carol", "long-enough-1"));
        var labelling = Assert.Single(host.Service<Seer.Labeling.LabelingStore>().List());
        Assert.Equal(80, labelling.Images);
        Assert.Equal(["member"], labelling.Assignees);
        // Ids continue after the copied ones: a new project and a new field run are made without a clash.
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("/api/projects", ProjectApiTests.NewProject("after"))).StatusCode);
        host.Service<Seer.Data.Browse.ImageBrowser>().RecordFieldRun(DatasetRef.Parse("f"), "score", "test", null, null, new Dictionary<int, double> { [0] = 1 });
    }
}
