using Seer.Data.Postgres;
using Seer.Data.Relational;

namespace Seer.Labeling;

/// <summary>
/// The labelling tables as numbered migrations in the workspace's seer.db, recorded in <c>labeling_schema_version</c>
/// (the same rules as the data plane's and the hosting tables': one transaction per migration with its record row;
/// append, never edit one that has shipped), applied through Seer.Data's one runner (<see cref="RelationalDatabase.ApplySchema"/>).
/// With SEER_DB the same tables are in PostgreSQL (<see cref="PostgresSteps"/>, ledger <c>labeling_migrations</c>).
/// </summary>
public static class LabelingMigrations
{
    public static readonly IReadOnlyList<(int Version, string Description, string Sql)> All =
    [
        (1, "labelling tasks and their items", """
            CREATE TABLE labeling_tasks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                dataset TEXT NOT NULL,
                source_version TEXT NOT NULL,
                into_dataset TEXT NOT NULL,
                kind TEXT NOT NULL,
                classes_json TEXT NOT NULL,
                assignees_json TEXT NOT NULL,
                reviewer TEXT,
                model TEXT,
                origin_json TEXT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                committed_version TEXT,
                committed_at TEXT,
                committed_by TEXT);
            CREATE TABLE labeling_items (
                task_id INTEGER NOT NULL REFERENCES labeling_tasks(id),
                ord INTEGER NOT NULL,
                file_name TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                assignee TEXT NOT NULL,
                state TEXT NOT NULL,
                revision INTEGER NOT NULL,
                objects_json TEXT NOT NULL,
                tags_json TEXT NOT NULL,
                predictions_json TEXT NOT NULL,
                comment TEXT,
                updated_by TEXT,
                updated_at TEXT,
                PRIMARY KEY (task_id, ord));
            CREATE INDEX labeling_items_state ON labeling_items(task_id, state);
            """),
    ];

    /// <summary>The same tables in PostgreSQL.</summary>
    public static readonly IReadOnlyList<PostgresMigration> PostgresSteps =
    [
        new(1, "labelling tasks and their items", """
            CREATE TABLE labeling_tasks (
                id BIGSERIAL PRIMARY KEY,
                dataset TEXT NOT NULL,
                source_version TEXT NOT NULL,
                into_dataset TEXT NOT NULL,
                kind TEXT NOT NULL,
                classes_json TEXT NOT NULL,
                assignees_json TEXT NOT NULL,
                reviewer TEXT,
                model TEXT,
                origin_json TEXT,
                created_by TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                committed_version TEXT,
                committed_at TIMESTAMPTZ,
                committed_by TEXT);
            CREATE TABLE labeling_items (
                task_id BIGINT NOT NULL REFERENCES labeling_tasks(id),
                ord INTEGER NOT NULL,
                file_name TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                assignee TEXT NOT NULL,
                state TEXT NOT NULL,
                revision BIGINT NOT NULL,
                objects_json TEXT NOT NULL,
                tags_json TEXT NOT NULL,
                predictions_json TEXT NOT NULL,
                comment TEXT,
                updated_by TEXT,
                updated_at TIMESTAMPTZ,
                PRIMARY KEY (task_id, ord));
            CREATE INDEX labeling_items_state ON labeling_items(task_id, state);
            """),
    ];

    /// <summary>The labelling tables, parents first (what <c>seer admin migrate</c> copies).</summary>
    public static readonly IReadOnlyList<string> Tables = ["labeling_tasks", "labeling_items"];

    /// <summary>The labelling schema on both databases.</summary>
    public static readonly StoreSchema Schema = new("labeling_schema_version", All, "labeling_migrations", PostgresSteps);
}
