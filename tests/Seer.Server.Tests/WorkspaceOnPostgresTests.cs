using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Data.Postgres;

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
        using (var c = new Npgsql.NpgsqlConnection(PostgresDatabase.ToConnectionString(database)))
        {
            c.Open();
            long Count(string sql)
            {
                using var cmd = new Npgsql.NpgsqlCommand(sql, c);
                return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            Assert.Equal(1, Count("SELECT COUNT(*) FROM projects WHERE name = 'pg'"));
            Assert.Equal(1, Count("SELECT COUNT(*) FROM browse_indexed"));
            Assert.Equal(160, Count("SELECT COUNT(*) FROM browse_image_facts"));
            Assert.Equal(1, Count("SELECT COUNT(*) FROM active_learning_migrations"));
            Assert.Equal(1, Count("SELECT COUNT(*) FROM browse_migrations"));
        }
        using (var local = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.Home, "seer.db")};Pooling=False"))
        {
            local.Open();
            using var cmd = local.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('projects', 'iterations', 'browse_indexed', 'field_runs')";
            Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
        }

        // A second server, its own workspace folder, the same database: the same images and the same project.
        await using var second = await ServerHost.StartAsync(options: o => o.Database = database);
        var again = await second.Admin().GetFromJsonAsync<JsonElement>("/api/datasets/f/images?limit=10&sort=file_name");
        Assert.Equal(160, again.GetProperty("total").GetInt64());
        Assert.Equal(page.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()),
            again.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()));
        Assert.Contains("pg", (await second.Admin().GetFromJsonAsync<JsonElement>("/api/projects")).EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }
}
