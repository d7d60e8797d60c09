using System.Data.Common;
using System.Globalization;

namespace Seer.Data.Relational;

/// <summary>
/// The workspace's relational database for the stores beside the dataset metadata (the data browser's index,
/// projects, accounts, ...): SQLite in <c>HOME/seer.db</c> (<see cref="SqliteDatabase"/>) or the PostgreSQL database
/// <c>SEER_DB</c> names (<see cref="Postgres.PostgresDatabase"/>), the one the metadata is in. A store writes its SQL
/// once, with <c>@name</c> parameters and statements both databases accept (<c>INSERT ... ON CONFLICT</c>,
/// <c>RETURNING</c>, bound booleans); the few differences between them are the members of this class, in one place:
/// how a write transaction takes its lock, how times are stored, case-insensitive <c>LIKE</c>, byte-wise text order
/// and the JSON functions. Each store keeps its schema per database (types and identity columns differ) as numbered
/// steps in its own ledger (<see cref="StoreSchema"/>), applied by <see cref="ApplySchema"/> through that database's one
/// migration runner.
/// </summary>
public abstract class RelationalDatabase
{
    public abstract SqlDialect Dialect { get; }

    /// <summary>Where the database is, for messages (a path, or the URL without its password).</summary>
    public abstract string Location { get; }

    /// <summary>An open connection (pooled; dispose it).</summary>
    public abstract DbConnection Open();

    /// <summary>
    /// A write transaction that serialises with every other writer holding <paramref name="lockName"/>, in this
    /// process and others: SQLite takes its one write lock at once (an immediate transaction); PostgreSQL takes a
    /// transaction-scoped advisory lock on the name, so check-then-insert sequences are safe across servers.
    /// </summary>
    public abstract DbTransaction BeginWrite(DbConnection connection, string lockName);

    /// <summary>Applies the store's steps for this database that its ledger does not record yet; the version reached.</summary>
    public abstract int ApplySchema(StoreSchema schema);

    /// <summary>The value to bind for a time (SQLite: ISO-8601 text; PostgreSQL: TIMESTAMPTZ, to the microsecond).</summary>
    public abstract object Time(DateTimeOffset time);

    /// <summary>A time column as written by <see cref="Time"/>.</summary>
    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public DateTimeOffset? ReadTimeOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>The operator of a case-insensitive (ASCII) pattern match: SQLite's <c>LIKE</c>, PostgreSQL's <c>ILIKE</c>.</summary>
    public abstract string CaseInsensitiveLike { get; }

    /// <summary>Appended to a text expression in ORDER BY so text sorts byte-wise as SQLite sorts it (PostgreSQL: <c>COLLATE "C"</c>).</summary>
    public abstract string ByteOrder { get; }

    /// <summary>
    /// The text at <paramref name="path"/> inside the JSON text <paramref name="json"/> (a column or expression):
    /// members by name, array elements by their number (<c>"tags", "0"</c>); NULL when absent.
    /// </summary>
    public abstract string JsonText(string json, params string[] path);

    /// <summary>The length of the array member <paramref name="key"/> of the JSON <paramref name="json"/>; NULL when absent.</summary>
    public abstract string JsonArrayLength(string json, string key);

    /// <summary>
    /// A FROM item with one row per element of the array member <paramref name="key"/> of <paramref name="json"/>,
    /// each in <c>alias.value</c> (as text for <paramref name="asText"/>, else as JSON for <see cref="JsonText"/>).
    /// </summary>
    public abstract string JsonArrayElements(string json, string key, string alias, bool asText);

    /// <summary>Whether the table exists (a store that never opened in a workspace has none).</summary>
    public abstract bool TableExists(DbConnection connection, string table);

    /// <summary>The columns of <paramref name="table"/> that hold times as <see cref="Time"/> writes them.</summary>
    public abstract IReadOnlySet<string> TimeColumns(DbConnection connection, string table);

    /// <summary>After rows were copied in with their own ids: the next generated <c>id</c> of <paramref name="table"/> follows the largest (no-op where ids are not a sequence).</summary>
    public abstract void ResetIdentity(DbConnection connection, DbTransaction transaction, string table);

    /// <summary>A command on <paramref name="connection"/> with <c>@name</c> parameters (null values bind as NULL).</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(parameters);
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) AddParameter(cmd, name, value);
        return cmd;
    }

    /// <summary>Adds the parameter <c>@name</c> (null as NULL) and returns it.</summary>
    public static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return p;
    }

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(connection, transaction, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row as a long (COUNT, MAX, RETURNING id).</summary>
    public static long Scalar(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(connection, transaction, sql, parameters);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

/// <summary>Which SQL a <see cref="RelationalDatabase"/> speaks.</summary>
public enum SqlDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One store's schema on both databases: its SQLite steps recorded in <paramref name="SqliteLedger"/> (as
/// <see cref="Metadata.SchemaMigrator"/> does) and its PostgreSQL steps in <paramref name="PostgresLedger"/> (through
/// <see cref="Postgres.PostgresDatabase.Migrate(string, IReadOnlyList{Postgres.PostgresMigration})"/>). Append new steps; never edit one that has shipped.
/// </summary>
public sealed record StoreSchema(
    string SqliteLedger,
    IReadOnlyList<(int Version, string Description, string Sql)> SqliteSteps,
    string PostgresLedger,
    IReadOnlyList<Postgres.PostgresMigration> PostgresSteps);
