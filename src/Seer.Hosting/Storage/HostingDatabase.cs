using System.Globalization;
using Microsoft.Data.Sqlite;
using Seer.Core.Errors;

namespace Seer.Hosting.Storage;

/// <summary>
/// Connections to the workspace's seer.db for the hosting tables: WAL, foreign keys, a long busy timeout (the data
/// plane and other processes write the same file), migrations applied once on construction.
/// </summary>
public sealed class HostingDatabase
{
    private readonly string _connectionString;

    public HostingDatabase(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Directory.CreateDirectory(home);
        DatabasePath = Path.Combine(Path.GetFullPath(home), "seer.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            DefaultTimeout = 60,
            Pooling = true,
        }.ToString();
        try
        {
            using var c = Open();
            using (var pragma = c.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode=WAL;";
                pragma.ExecuteNonQuery();
            }
            SchemaVersion = Migrate(c);
        }
        catch (SqliteException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot open the workspace database {DatabasePath}: {ex.Message}", DatabasePath, ex);
        }
    }

    public string DatabasePath { get; }

    public int SchemaVersion { get; }

    public SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=60000; PRAGMA synchronous=FULL;";
        cmd.ExecuteNonQuery();
        return c;
    }

    public static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(object value) =>
        value is string s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;

    private static int Migrate(SqliteConnection c)
    {
        Exec(c, null, "CREATE TABLE IF NOT EXISTS hosting_schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
        foreach (var (version, description, sql) in HostingMigrations.All)
        {
            using var tx = c.BeginTransaction(deferred: false);
            if (Current(c, tx) >= version)
            {
                tx.Commit();
                continue;
            }
            Exec(c, tx, sql);
            using (var record = c.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO hosting_schema_version (version, description, applied_at) VALUES ($v, $d, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$d", description);
                record.Parameters.AddWithValue("$t", Now());
                record.ExecuteNonQuery();
            }
            tx.Commit();
        }
        return Current(c, null);
    }

    private static int Current(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COALESCE(MAX(version), 0) FROM hosting_schema_version";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Exec(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
