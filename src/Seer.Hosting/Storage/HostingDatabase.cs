using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Seer.Data.Postgres;
using Seer.Data.Relational;

namespace Seer.Hosting.Storage;

/// <summary>
/// The hosting tables (users, API tokens, settings, served models, owners and visibility; on SQLite also the job
/// queue) in the workspace's database: <c>HOME/seer.db</c>, or the PostgreSQL database SEER_DB / Seer:Database
/// names, so servers on one database share accounts, tokens and settings. The stores write their SQL once
/// (<c>@name</c> parameters, flags as 0/1 integers on both); the dialect's few differences are
/// <see cref="RelationalDatabase"/>'s. Migrations run once on construction: SQLite <see cref="HostingMigrations.All"/>
/// (<c>hosting_schema_version</c>); PostgreSQL the job ledger first (<c>seer_migrations</c>, its <c>jobs</c> table
/// takes the <c>shared</c> flag), then <see cref="HostingMigrations.PostgresSteps"/> (<c>hosting_migrations</c>).
/// </summary>
public sealed class HostingDatabase
{
    /// <summary>The tables in <c>home/seer.db</c> (SQLite).</summary>
    public HostingDatabase(string home)
        : this(home, null)
    {
    }

    /// <summary>The tables in <paramref name="database"/> (null: SQLite in <c>home/seer.db</c>).</summary>
    public HostingDatabase(string home, RelationalDatabase? database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Directory.CreateDirectory(home);
        DatabasePath = Path.Combine(Path.GetFullPath(home), "seer.db");
        Database = database ?? new SqliteDatabase(DatabasePath);
        if (Database is PostgresDatabase postgres) postgres.Migrate(Postgres.PostgresMigrations.Ledger, Postgres.PostgresMigrations.All);
        SchemaVersion = Database.ApplySchema(HostingMigrations.Schema);
    }

    /// <summary>
    /// The hosting tables where the workspace's options put them: <paramref name="database"/> a postgres:// URL
    /// (SEER_DB, <c>--db</c>), or null/empty for SQLite in <c>home/seer.db</c>.
    /// </summary>
    public static HostingDatabase Open(string home, string? database) =>
        new(home, string.IsNullOrWhiteSpace(database) ? null : new PostgresDatabase(database));

    /// <summary>
    /// <c>home/seer.db</c>: where the SQLite tables are, and the folder beside which uploads are staged (kept even when
    /// the tables are in PostgreSQL).
    /// </summary>
    public string DatabasePath { get; }

    /// <summary>The database the tables are in.</summary>
    public RelationalDatabase Database { get; }

    public int SchemaVersion { get; }

    public DbConnection Open() => Database.Open();

    /// <summary>The SQLite connection (the SQLite job queue); refused when the tables are in PostgreSQL.</summary>
    public SqliteConnection OpenSqlite() => Database is SqliteDatabase sqlite ? sqlite.Open()
        : throw new InvalidOperationException($"the hosting tables are in {Database.Location}, not SQLite");

    /// <summary>Now, as this database stores times.</summary>
    public object CurrentTime() => Database.Time(DateTimeOffset.UtcNow);

    public DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => Database.ReadTime(reader, ordinal);

    public DateTimeOffset? ReadTimeOrNull(DbDataReader reader, int ordinal) => Database.ReadTimeOrNull(reader, ordinal);

    /// <summary>Now as SQLite's tables store it (ISO-8601 text).</summary>
    public static string Now() => SqliteDatabase.FormatTime(DateTimeOffset.UtcNow);

    public static DateTimeOffset? ParseTime(object value) =>
        value is string s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;
}
