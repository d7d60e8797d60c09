using Microsoft.Data.Sqlite;

namespace Seer.Data.Metadata;

/// <summary>
/// The metadata schema as numbered migrations. Each runs in its own transaction together with the row that records
/// it in <c>schema_version</c>, so a crash mid-migration leaves the previous schema. Append new migrations; never
/// edit one that has shipped.
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
        (3, "active-learning projects, iterations and their steps", """
            CREATE TABLE projects (
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
            CREATE TABLE iterations (
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
            CREATE TABLE iteration_steps (
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

    public static int Apply(SqliteConnection connection) => Apply(connection, "schema_version", All);

    /// <summary>Applies a numbered migration list recorded in its own version table (the data plane's, or a feature's own such as browse_schema_version).</summary>
    public static int Apply(SqliteConnection connection, string versionTable, IReadOnlyList<(int Version, string Description, string Sql)> migrations)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE IF NOT EXISTS {versionTable} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }
        int current = CurrentVersion(connection, versionTable);
        foreach (var (version, description, sql) in migrations)
        {
            if (version <= current) continue;
            using var tx = connection.BeginTransaction();
            // Re-check inside the write transaction: another process may have migrated meanwhile.
            if (CurrentVersion(connection, versionTable, tx) >= version)
            {
                tx.Commit();
                continue;
            }
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
            using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = $"INSERT INTO {versionTable} (version, description, applied_at) VALUES ($v, $d, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$d", description);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
                record.ExecuteNonQuery();
            }
            tx.Commit();
        }
        return CurrentVersion(connection, versionTable);
    }

    private static int CurrentVersion(SqliteConnection connection, string versionTable, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT COALESCE(MAX(version), 0) FROM {versionTable}";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
