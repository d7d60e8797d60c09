using Microsoft.Data.Sqlite;

namespace Seer.Data.Metadata;

/// <summary>
/// The metadata schema as numbered migrations, recorded in <c>schema_version</c> (<see cref="SchemaMigrator"/>).
/// Append new migrations; never edit one that has shipped.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Description, string Sql)> All =
    [
        (1, "labels, datasets, versions, images", """
            CREATE TABLE labels (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL);
            CREATE TABLE label_aliases (
                alias TEXT PRIMARY KEY,
                label_id INTEGER NOT NULL REFERENCES labels(id),
                created_at TEXT NOT NULL);
            CREATE TABLE datasets (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                head_version TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            CREATE TABLE versions (
                id TEXT PRIMARY KEY,
                seq INTEGER NOT NULL UNIQUE,
                dataset_id INTEGER NOT NULL REFERENCES datasets(id),
                operation TEXT NOT NULL,
                parameters_json TEXT NOT NULL,
                content_digest TEXT NOT NULL,
                classes_json TEXT NOT NULL,
                image_count INTEGER NOT NULL,
                labelled_count INTEGER NOT NULL,
                created_at TEXT NOT NULL);
            CREATE INDEX versions_dataset ON versions(dataset_id, seq);
            CREATE TABLE version_parents (
                version_id TEXT NOT NULL REFERENCES versions(id),
                ord INTEGER NOT NULL,
                parent_id TEXT NOT NULL REFERENCES versions(id),
                PRIMARY KEY (version_id, ord));
            CREATE TABLE version_images (
                version_id TEXT NOT NULL REFERENCES versions(id),
                ord INTEGER NOT NULL,
                content_hash TEXT NOT NULL,
                file_name TEXT NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                labelled INTEGER NOT NULL,
                annotations_json TEXT NOT NULL,
                PRIMARY KEY (version_id, ord),
                UNIQUE (version_id, file_name));
            CREATE INDEX version_images_hash ON version_images(content_hash);
            """),
        (2, "perceptual hash cache", """
            CREATE TABLE image_phash (
                content_hash TEXT PRIMARY KEY,
                phash INTEGER NOT NULL);
            """),
        // Migration 3 created Seer.ActiveLearning's tables; they moved to that library's own migrations
        // (ActiveLearningMigrations, table active_learning_schema_version). Workspaces that ran it keep its record
        // and its tables (ActiveLearning's first migration creates them only where they are missing); new ones record
        // this no-op, so the data plane's numbering stays the same everywhere.
        (3, "reserved (active-learning tables: Seer.ActiveLearning's own migrations)", "SELECT 1;"),
        (4, "workspace identity", """
            CREATE TABLE workspace_identity (
                id TEXT NOT NULL,
                created_at TEXT NOT NULL);
            INSERT INTO workspace_identity (id, created_at) VALUES (lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
            """),
    ];

    public static int Apply(SqliteConnection connection) => SchemaMigrator.Apply(connection, "schema_version", All);

    /// <summary>A feature's own numbered migrations in its own version table (e.g. browse_schema_version), through the
    /// one migrator.</summary>
    public static int Apply(SqliteConnection connection, string versionTable, IReadOnlyList<(int Version, string Description, string Sql)> migrations) =>
        SchemaMigrator.Apply(connection, versionTable, migrations);
}
