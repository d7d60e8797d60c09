using Npgsql;
using Seer.Core.Errors;

namespace Seer.Hosting.Postgres;

/// <summary>
/// The PostgreSQL database SEER_DB (or <c>--db</c>) names, as <c>postgres://USER:PASS@HOST:PORT/DB</c>: a pooled data
/// source with Seer's versioned migrations applied on construction. Each migration runs in its own transaction under
/// an advisory lock and is recorded in <c>seer_migrations</c>, so several servers and workers starting at once apply
/// each version exactly once, and a failed migration leaves the schema at the previous version.
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    public const string Variable = "SEER_DB";

    /// <summary>The advisory lock key migrations hold ("seer" in ASCII).</summary>
    private const long MigrationLock = 0x73656572;

    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(string url, string source = Variable)
    {
        ConnectionString = ToConnectionString(url, source);
        Display = Redact(url);
        _source = NpgsqlDataSource.Create(ConnectionString);
        try
        {
            SchemaVersion = Migrate();
        }
        catch (NpgsqlException ex)
        {
            _source.Dispose();
            throw new SeerException(ErrorCodes.Unavailable, $"cannot open the PostgreSQL database {Display}: {ex.Message}", source, ex);
        }
        catch
        {
            _source.Dispose();
            throw;
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

    /// <summary>The highest migration applied.</summary>
    public int SchemaVersion { get; }

    public NpgsqlConnection Open() => _source.OpenConnection();

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

    private int Migrate()
    {
        using var c = Open();
        using (var create = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS seer_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", c))
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
        int current = 0;
        foreach (var m in PostgresMigrations.All)
        {
            using var tx = c.BeginTransaction();
            using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock})", c, tx)) lockCmd.ExecuteNonQuery();
            using (var check = new NpgsqlCommand("SELECT 1 FROM seer_migrations WHERE version = @v", c, tx))
            {
                check.Parameters.AddWithValue("v", m.Version);
                if (check.ExecuteScalar() is not null)
                {
                    tx.Commit();
                    current = m.Version;
                    continue;
                }
            }
            using (var apply = new NpgsqlCommand(m.Sql, c, tx)) apply.ExecuteNonQuery();
            using (var record = new NpgsqlCommand("INSERT INTO seer_migrations (version, name) VALUES (@v, @n)", c, tx))
            {
                record.Parameters.AddWithValue("v", m.Version);
                record.Parameters.AddWithValue("n", m.Name);
                record.ExecuteNonQuery();
            }
            tx.Commit();
            current = m.Version;
        }
        using (var newer = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM seer_migrations", c))
        {
            int highest = Convert.ToInt32(newer.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (highest > current)
                throw new SeerException(ErrorCodes.Conflict,
                    $"the PostgreSQL database {Display} is at schema version {highest}, newer than this Seer knows ({current}); upgrade Seer", Variable);
        }
        return current;
    }

    public void Dispose() => _source.Dispose();
}

/// <summary>Seer's PostgreSQL schema, one numbered step at a time; a released step never changes, a new one is appended.</summary>
public static class PostgresMigrations
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "jobs", """
            CREATE TABLE jobs (
                id BIGSERIAL PRIMARY KEY,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                parameters_json TEXT NOT NULL,
                cpu_threads INTEGER NOT NULL,
                gpus INTEGER NOT NULL,
                assigned_gpus TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                started_at TIMESTAMPTZ,
                finished_at TIMESTAMPTZ,
                worker TEXT,
                attempt INTEGER NOT NULL DEFAULT 0,
                retry_of BIGINT REFERENCES jobs(id),
                progress_stage TEXT,
                progress_done BIGINT NOT NULL DEFAULT 0,
                progress_total BIGINT,
                result_json TEXT,
                error TEXT,
                cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
                checkpoint TEXT);
            CREATE INDEX jobs_state ON jobs(state, id);
            CREATE INDEX jobs_worker ON jobs(worker) WHERE state = 'running';
            CREATE TABLE job_logs (
                job_id BIGINT NOT NULL REFERENCES jobs(id),
                seq BIGINT NOT NULL,
                at TIMESTAMPTZ NOT NULL,
                level TEXT NOT NULL,
                message TEXT NOT NULL,
                PRIMARY KEY (job_id, seq));
            """),
        new(2, "cluster", ClusterSchema.Sql),
    ];
}
