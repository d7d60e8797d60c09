using Seer.Data.Metadata;
using Seer.Data.Postgres;
using Seer.Data.Relational;

namespace Seer.ActiveLearning.Projects;

/// <summary>
/// Seer.ActiveLearning's tables in the workspace's seer.db (projects, iterations, iteration_steps), as its own numbered
/// migrations recorded in <c>active_learning_schema_version</c> (<see cref="SchemaMigrator"/>); applied when a
/// <see cref="ProjectStore"/> opens. Until this library had its own migrations, the data plane's migration 3 created
/// these tables: migration 1 creates them only where they are missing, so those workspaces open unchanged.
/// With SEER_DB the same tables live in PostgreSQL (<see cref="PostgresSteps"/>, ledger
/// <c>active_learning_migrations</c>), beside the dataset metadata their version columns refer to.
/// Append new migrations; never edit one that has shipped.
/// </summary>
public static class ActiveLearningMigrations
{
    public const string VersionTable = "active_learning_schema_version";

    public static readonly IReadOnlyList<(int Version, string Description, string Sql)> All =
    [
        (1, "projects, iterations and their steps", """

            CREATE TABLE IF NOT EXISTS projects (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                task TEXT NOT NULL,
                owner TEXT,
                classes_json TEXT NOT NULL,
                train_version TEXT NOT NULL REFERENCES versions(id),
                val_version TEXT NOT NULL REFERENCES versions(id),
                test_version TEXT REFERENCES versions(id),
                pool_version TEXT NOT NULL REFERENCES versions(id),
                created_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS iterations (
                project_id INTEGER NOT NULL REFERENCES projects(id),
                round INTEGER NOT NULL,
                state TEXT NOT NULL,
                settings_json TEXT NOT NULL,
                train_version TEXT,
                model TEXT,
                labelled INTEGER,
                metrics_json TEXT,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                PRIMARY KEY (project_id, round));
            CREATE TABLE IF NOT EXISTS iteration_steps (
                project_id INTEGER NOT NULL REFERENCES projects(id),
                round INTEGER NOT NULL,
                step TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                result_json TEXT,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                PRIMARY KEY (project_id, round, step));
            """),
    ];

    /// <summary>The same tables in PostgreSQL (types: BIGSERIAL, TIMESTAMPTZ).</summary>
    public static readonly IReadOnlyList<PostgresMigration> PostgresSteps =
    [
        new(1, "projects, iterations and their steps", """
            CREATE TABLE projects (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                task TEXT NOT NULL,
                owner TEXT,
                classes_json TEXT NOT NULL,
                train_version TEXT NOT NULL REFERENCES versions(id),
                val_version TEXT NOT NULL REFERENCES versions(id),
                test_version TEXT REFERENCES versions(id),
                pool_version TEXT NOT NULL REFERENCES versions(id),
                created_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE iterations (
                project_id BIGINT NOT NULL REFERENCES projects(id),
                round INTEGER NOT NULL,
                state TEXT NOT NULL,
                settings_json TEXT NOT NULL,
                train_version TEXT,
                model TEXT,
                labelled INTEGER,
                metrics_json TEXT,
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ,
                PRIMARY KEY (project_id, round));
            CREATE TABLE iteration_steps (
                project_id BIGINT NOT NULL REFERENCES projects(id),
                round INTEGER NOT NULL,
                step TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                result_json TEXT,
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ,
                PRIMARY KEY (project_id, round, step));
            """),
    ];

    /// <summary>The project tables, parents first (what <c>seer admin migrate</c> copies).</summary>
    public static readonly IReadOnlyList<string> Tables = ["projects", "iterations", "iteration_steps"];

    /// <summary>The project tables on both databases (<see cref="RelationalDatabase.ApplySchema"/>).</summary>
    public static readonly StoreSchema Schema = new(VersionTable, All, "active_learning_migrations", PostgresSteps);
}
