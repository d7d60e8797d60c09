using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Seer.Data.Metadata;

/// <summary>
/// Applies numbered migrations of one owner (the data plane, Seer.ActiveLearning's projects, the hosting tables) to a
/// SQLite database, each owner recording its versions in its own table. Each migration runs in one write transaction
/// together with its record row, so a crash mid-migration leaves the previous schema, and a concurrent process that
/// migrated meanwhile is noticed inside the transaction. Append new migrations; never edit one that has shipped.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>Runs the migrations newer than the recorded version; returns the version reached.</summary>
    public static int Apply(SqliteConnection connection, string versionTable, IReadOnlyList<(int Version, string Description, string Sql)> migrations)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(migrations);
        if (string.IsNullOrEmpty(versionTable) || !versionTable.All(c => char.IsAsciiLetterLower(c) || c == '_'))
            throw new ArgumentException("a version table name is lower-case letters and '_'", nameof(versionTable));
        Exec(connection, null, $"CREATE TABLE IF NOT EXISTS {versionTable} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
        int current = Current(connection, null, versionTable);
        foreach (var (version, description, sql) in migrations)
        {
            if (version <= current) continue;
            using var tx = connection.BeginTransaction(deferred: false);
            if (Current(connection, tx, versionTable) >= version)
            {
                tx.Commit();
                continue;
            }
            Exec(connection, tx, sql);
            using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = $"INSERT INTO {versionTable} (version, description, applied_at) VALUES ($v, $d, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$d", description);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                record.ExecuteNonQuery();
            }
            tx.Commit();
        }
        return Current(connection, null, versionTable);
    }

    private static int Current(SqliteConnection connection, SqliteTransaction? tx, string versionTable)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT COALESCE(MAX(version), 0) FROM {versionTable}";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Exec(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
