using System.Globalization;
using Microsoft.Data.Sqlite;
using Seer.Data.Metadata;
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

    private static int Migrate(SqliteConnection c) => SchemaMigrator.Apply(c, "hosting_schema_version", HostingMigrations.All);
}
