using System.Data.Common;
using System.Globalization;
using Npgsql;
using Seer.Data.Relational;
using Seer.Core.Errors;

namespace Seer.Data.Postgres;

/// <summary>
/// The PostgreSQL database SEER_DB (or <c>--db</c>) names, as <c>postgres://USER:PASS@HOST:PORT/DB</c>: a pooled data
/// source, checked on construction, and the one migration runner for every owner of tables in it (the workspace
/// metadata here, the job queue in Seer.Hosting, ...). Each owner records its numbered steps in its own ledger table
/// (as SQLite's <see cref="Metadata.SchemaMigrator"/> does); each step runs in its own transaction under an advisory
/// lock, so several servers and workers starting at once apply it exactly once, and a failed step leaves the previous
/// version. As a <see cref="RelationalDatabase"/> it is also where the stores beside the metadata (the data browser's
/// index, projects, ...) keep their tables when SEER_DB is set.
/// </summary>
public sealed class PostgresDatabase : RelationalDatabase, IDisposable
{
    public const string Variable = "SEER_DB";

    /// <summary>The advisory lock key migrations hold ("seer" in ASCII).</summary>
    private const long MigrationLock = 0x73656572;

    private readonly NpgsqlDataSource _source;
    private readonly Dictionary<string, int> _migrated = new(StringComparer.Ordinal);

    /// <summary>Opens the data source and checks that the server answers (errors name <paramref name="source"/>, never the password).</summary>
    public PostgresDatabase(string url, string source = Variable)
    {
        Source = source;
        ConnectionString = ToConnectionString(url, source);
        Display = Redact(url);
        _source = NpgsqlDataSource.Create(ConnectionString);
        try
        {
            using var c = _source.OpenConnection();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            _source.Dispose();
            throw Unavailable(ex);
        }
    }

    /// <summary>The database SEER_DB names, or null when it is unset (SQLite in the workspace).</summary>
    public static PostgresDatabase? FromEnvironment()
    {
        string? url = Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrWhiteSpace(url) ? null : new PostgresDatabase(url);
    }

    public string ConnectionString { get; }

    /// <summary>The URL without its password (for messages and logs).</summary>
    public string Display { get; }

    /// <summary>Where the URL came from (SEER_DB, --db, --to): errors name it.</summary>
    public string Source { get; }

    public override SqlDialect Dialect => SqlDialect.Postgres;

    public override string Location => Display;

    public override NpgsqlConnection Open()
    {
        try
        {
            return _source.OpenConnection();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw Unavailable(ex);
        }
    }

    public override DbTransaction BeginWrite(DbConnection connection, string lockName)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tx = ((NpgsqlConnection)connection).BeginTransaction();
        try
        {
            using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", (NpgsqlConnection)connection, tx);
            cmd.Parameters.AddWithValue("name", "seer:" + lockName);
            cmd.ExecuteNonQuery();
            return tx;
        }
        catch
        {
            tx.Dispose();
            throw;
        }
    }

    public override int ApplySchema(StoreSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Migrate(schema.PostgresLedger, schema.PostgresSteps);
    }

    /// <summary>TIMESTAMPTZ takes UTC times (to the microsecond).</summary>
    public override object Time(DateTimeOffset time) => time.ToUniversalTime();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetFieldValue<DateTimeOffset>(ordinal);
    }

    public override bool TableExists(DbConnection connection, string table) =>
        Scalar(connection, null, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @t", ("t", table)) > 0;

    public override IReadOnlySet<string> TimeColumns(DbConnection connection, string table)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        using var cmd = Command(connection, null,
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t AND data_type = 'timestamp with time zone'",
            ("t", table));
        using var r = cmd.ExecuteReader();
        while (r.Read()) set.Add(r.GetString(0));
        return set;
    }

    public override void ResetIdentity(DbConnection connection, DbTransaction transaction, string table)
    {
        // Only an id filled by a sequence (BIGSERIAL); text ids (tokens, versions) have none.
        string? sequence;
        using (var find = Command(connection, transaction, "SELECT pg_get_serial_sequence(@t, 'id')", ("t", table)))
            sequence = find.ExecuteScalar() as string;
        if (sequence is null) return;
        using var cmd = Command(connection, transaction,
            $"SELECT setval(CAST(@s AS regclass), (SELECT COALESCE(MAX(id), 0) + 1 FROM {SqliteDatabase.Checked(table)}), false)", ("s", sequence));
        cmd.ExecuteNonQuery();
    }

    public override string CaseInsensitiveLike => "ILIKE";

    public override string ByteOrder => " COLLATE \"C\"";

    public override string JsonText(string json, params string[] path) =>
        $"(({json})::jsonb #>> '{{{string.Join(',', path.Select(SqliteDatabase.Checked))}}}')";

    public override string JsonArrayLength(string json, string key) =>
        $"jsonb_array_length(({json})::jsonb -> '{SqliteDatabase.Checked(key)}')";

    public override string JsonArrayElements(string json, string key, string alias, bool asText) =>
        $"jsonb_array_elements{(asText ? "_text" : "")}(({json})::jsonb -> '{SqliteDatabase.Checked(key)}') AS {alias}(value)";

    /// <summary>postgres://USER:PASS@HOST[:PORT]/DB[?sslmode=...] as an Npgsql connection string.</summary>
    public static string ToConnectionString(string url, string source = Variable)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql")
            || string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath.Trim('/').Length == 0)
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"{source}='{Redact(url)}' is not a PostgreSQL URL; expected postgres://USER:PASS@HOST:PORT/DB", source);
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')),
            MaxPoolSize = 20,
            Timeout = 15,
        };
        if (uri.UserInfo.Length > 0)
        {
            int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            b.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]), value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key != "sslmode" || !Enum.TryParse<SslMode>(value, ignoreCase: true, out var mode))
                throw new SeerException(ErrorCodes.InvalidOptions, $"{source}: unknown parameter '{key}={value}' (known: sslmode)", source);
            b.SslMode = mode;
        }
        return b.ConnectionString;
    }

    /// <summary>The URL with the password replaced by ***.</summary>
    public static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.UserInfo.Contains(':', StringComparison.Ordinal)) return url;
        string user = uri.UserInfo[..uri.UserInfo.IndexOf(':', StringComparison.Ordinal)];
        return url.Replace(uri.UserInfo + "@", user + ":***@", StringComparison.Ordinal);
    }

    /// <summary>
    /// Applies the steps of one owner that its ledger table does not record yet and returns the version reached.
    /// A ledger holding a version this Seer does not know is refused (<c>conflict</c>: upgrade Seer). Cheap when the
    /// schema is current (one query; once per process and ledger).
    /// </summary>
    public int Migrate(string ledger, IReadOnlyList<PostgresMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        if (string.IsNullOrEmpty(ledger) || !ledger.All(c => char.IsAsciiLetterLower(c) || c == '_'))
            throw new ArgumentException("a ledger table name is lower-case letters and '_'", nameof(ledger));
        lock (_migrated)
        {
            if (_migrated.TryGetValue(ledger, out int known)) return known;
            try
            {
                int reached = MigrateLocked(ledger, migrations);
                _migrated[ledger] = reached;
                return reached;
            }
            catch (NpgsqlException ex)
            {
                throw Unavailable(ex);
            }
        }
    }

    private int MigrateLocked(string ledger, IReadOnlyList<PostgresMigration> migrations)
    {
        using var c = Open();
        int last = migrations.Count == 0 ? 0 : migrations[^1].Version;
        using (var create = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {ledger} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", c))
        {
            try
            {
                create.ExecuteNonQuery();
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
                // Another process created it at the same moment.
            }
        }
        int highest = Highest(c, null, ledger);
        if (highest < last)
        {
            foreach (var m in migrations)
            {
                using var tx = c.BeginTransaction();
                using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock})", c, tx)) lockCmd.ExecuteNonQuery();
                using (var check = new NpgsqlCommand($"SELECT 1 FROM {ledger} WHERE version = @v", c, tx))
                {
                    check.Parameters.AddWithValue("v", m.Version);
                    if (check.ExecuteScalar() is not null)
                    {
                        tx.Commit();
                        continue;
                    }
                }
                using (var apply = new NpgsqlCommand(m.Sql, c, tx)) apply.ExecuteNonQuery();
                using (var record = new NpgsqlCommand($"INSERT INTO {ledger} (version, name) VALUES (@v, @n)", c, tx))
                {
                    record.Parameters.AddWithValue("v", m.Version);
                    record.Parameters.AddWithValue("n", m.Name);
                    record.ExecuteNonQuery();
                }
                tx.Commit();
            }
            highest = Highest(c, null, ledger);
        }
        if (highest > last)
            throw new SeerException(ErrorCodes.Conflict,
                $"the PostgreSQL database {Display} is at schema version {highest} of {ledger}, newer than this Seer knows ({last}); upgrade Seer", Source);
        return highest;
    }

    private static int Highest(NpgsqlConnection c, NpgsqlTransaction? tx, string ledger)
    {
        using var cmd = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {ledger}", c, tx);
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private SeerException Unavailable(Exception ex) =>
        new(ErrorCodes.Unavailable, $"cannot open the PostgreSQL database {Display}: {ex.Message}", Source, ex);

    public void Dispose() => _source.Dispose();
}

/// <summary>One numbered step of an owner's PostgreSQL schema; a released step never changes, a new one is appended.</summary>
public sealed record PostgresMigration(int Version, string Name, string Sql);
