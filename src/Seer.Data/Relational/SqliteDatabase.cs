using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Seer.Core.Errors;
using Seer.Data.Metadata;

namespace Seer.Data.Relational;

/// <summary>
/// The workspace's <c>seer.db</c> as a <see cref="RelationalDatabase"/>: pooled connections with foreign keys, WAL, a
/// long busy timeout (other processes write the same file) and full sync; writers take SQLite's one write lock at once.
/// </summary>
public sealed class SqliteDatabase : RelationalDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            DefaultTimeout = 60,
            Pooling = true,
        }.ToString();
        try
        {
            using var c = Open();
            using var wal = c.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"cannot open the workspace database {Path}: {ex.Message}", Path, ex);
        }
    }

    public string Path { get; }

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    public override string Location => Path;

    public override SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=60000; PRAGMA synchronous=FULL;";
        cmd.ExecuteNonQuery();
        return c;
    }

    public override DbTransaction BeginWrite(DbConnection connection, string lockName) =>
        ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override int ApplySchema(StoreSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        using var c = Open();
        return SchemaMigrator.Apply(c, schema.SqliteLedger, schema.SqliteSteps);
    }

    public override object Time(DateTimeOffset time) => FormatTime(time);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => ParseTime(reader.GetString(ordinal));

    /// <summary>How SQLite's stores write times: ISO-8601 round-trip text.</summary>
    public static string FormatTime(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public override bool TableExists(DbConnection connection, string table) =>
        Scalar(connection, null, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t", ("t", table)) > 0;

    /// <summary>SQLite's stores name their time columns *_at (ISO text).</summary>
    public override IReadOnlySet<string> TimeColumns(DbConnection connection, string table)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        using var cmd = Command(connection, null, "SELECT name FROM pragma_table_info(@t)", ("t", table));
        using var r = cmd.ExecuteReader();
        while (r.Read())
            if (r.GetString(0).EndsWith("_at", StringComparison.Ordinal)) set.Add(r.GetString(0));
        return set;
    }

    /// <summary>INTEGER PRIMARY KEY already continues after the largest id.</summary>
    public override void ResetIdentity(DbConnection connection, DbTransaction transaction, string table)
    {
    }

    public override string CaseInsensitiveLike => "LIKE";

    public override string ByteOrder => "";

    public override string JsonText(string json, params string[] path) => $"json_extract({json}, '{JsonPath(path)}')";

    public override string JsonArrayLength(string json, string key) => $"json_array_length({json}, '{JsonPath(key)}')";

    public override string JsonArrayElements(string json, string key, string alias, bool asText) => $"json_each({json}, '{JsonPath(key)}') {alias}";

    private static string JsonPath(params string[] path)
    {
        var sb = new System.Text.StringBuilder("$");
        foreach (var part in path)
        {
            Checked(part);
            if (part.All(char.IsAsciiDigit)) sb.Append('[').Append(part).Append(']');
            else sb.Append('.').Append(part);
        }
        return sb.ToString();
    }

    /// <summary>JSON path parts are code, never user input: letters, digits and '_' only.</summary>
    internal static string Checked(string part) =>
        part.Length > 0 && part.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') ? part
            : throw new ArgumentException($"JSON path part '{part}' must be letters, digits or '_'", nameof(part));
}
