using Microsoft.Data.Sqlite;
using Seer.ActiveLearning.Projects;
using Seer.Data;

namespace Seer.Server.Tests;

/// <summary>Seer.ActiveLearning's own migrations: new workspaces get its tables from it; workspaces made when Seer.Data's migration 3 made them still open.</summary>
public sealed class ActiveLearningMigrationTests
{
    private static List<string> Versions(string home, string table)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(home, "seer.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT version || ':' || description FROM {table} ORDER BY version";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    [Fact]
    public void ANewWorkspace_GetsTheProjectTablesFromActiveLearningsMigrations()
    {
        string home = TestPaths.TempDir();
        using (var ws = Workspace.Open(home))
        {
            Assert.Equal(4, Versions(home, "schema_version").Count); // the data plane's own steps (4: workspace identity), none for projects
            Assert.StartsWith("3:reserved", Versions(home, "schema_version")[2], StringComparison.Ordinal);
            using var store = new ProjectStore(ws);
            Assert.Empty(store.List());
        }
        Assert.Equal(["1:projects, iterations and their steps"], Versions(home, ActiveLearningMigrations.VersionTable));
    }

    [Fact]
    public void AWorkspaceWhoseDataMigration3MadeTheProjectTables_StillOpens_WithItsProjects()
    {
        string home = TestPaths.TempDir();
        using (Workspace.Open(home))
        {
        }
        // Reproduce a workspace of the earlier layout: migration 3's record was the project tables, with a project in them.
        using (var c = new SqliteConnection($"Data Source={Path.Combine(home, "seer.db")};Pooling=False;Foreign Keys=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                UPDATE schema_version SET description = 'active-learning projects, iterations and their steps' WHERE version = 3;
                CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, task TEXT NOT NULL, owner TEXT,
                    classes_json TEXT NOT NULL, train_version TEXT NOT NULL REFERENCES versions(id), val_version TEXT NOT NULL REFERENCES versions(id),
                    test_version TEXT REFERENCES versions(id), pool_version TEXT NOT NULL REFERENCES versions(id), created_at TEXT NOT NULL);
                CREATE TABLE iterations (project_id INTEGER NOT NULL REFERENCES projects(id), round INTEGER NOT NULL, state TEXT NOT NULL,
                    settings_json TEXT NOT NULL, train_version TEXT, model TEXT, labelled INTEGER, metrics_json TEXT, started_at TEXT NOT NULL,
                    finished_at TEXT, PRIMARY KEY (project_id, round));
                CREATE TABLE iteration_steps (project_id INTEGER NOT NULL REFERENCES projects(id), round INTEGER NOT NULL, step TEXT NOT NULL,
                    state TEXT NOT NULL, attempts INTEGER NOT NULL, result_json TEXT, started_at TEXT NOT NULL, finished_at TEXT,
                    PRIMARY KEY (project_id, round, step));
                INSERT INTO projects (name, task, owner, classes_json, train_version, val_version, pool_version, created_at)
                VALUES ('old', 'classify', NULL, '["a","b"]', 't', 'v', 'p', '2026-11-01T00:00:00.0000000+00:00');
                """;
            cmd.ExecuteNonQuery();
        }
        using var ws = Workspace.Open(home);
        using var store = new ProjectStore(ws);
        var old = store.Get("old");
        Assert.Equal(["a", "b"], old.Classes);
        Assert.Equal(["1:projects, iterations and their steps"], Versions(home, ActiveLearningMigrations.VersionTable));
        Assert.Equal(4, Versions(home, "schema_version").Count); // the data plane's own steps (4: workspace identity), none for projects
    }
}
