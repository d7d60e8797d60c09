using System.Data.Common;
using Npgsql;
using Seer.Data.Postgres;
using Seer.Hosting.Jobs;

namespace Seer.Hosting.Postgres;

/// <summary>
/// The job queue in PostgreSQL (tables jobs and job_logs of <see cref="PostgresMigrations"/>), with the SQLite queue's
/// rules (<see cref="RelationalJobQueue"/>): a claim's transaction holds an advisory lock, so two workers on two
/// machines never claim the same job; log lines of a job are numbered under a row lock on that job; times are
/// TIMESTAMPTZ set by the database (now()).
/// </summary>
public sealed class PostgresJobQueue : RelationalJobQueue, IDisposable
{
    /// <summary>The advisory lock key claims hold ("jobs" in ASCII).</summary>
    private const long ClaimLock = 0x6a6f6273;

    private readonly PostgresDatabase _db;
    private readonly bool _ownsDatabase;

    /// <summary>A queue on <paramref name="db"/>; with <paramref name="ownsDatabase"/> disposing the queue closes it.</summary>
    public PostgresJobQueue(PostgresDatabase db, bool ownsDatabase = false)
    {
        _db = db ?? throw new ArgumentNullException(nameof(db));
        _ownsDatabase = ownsDatabase;
        try
        {
            SchemaVersion = _db.Migrate(PostgresMigrations.Ledger, PostgresMigrations.All);
        }
        catch
        {
            if (ownsDatabase) db.Dispose();
            throw;
        }
    }

    /// <summary>The job tables' schema version after migrations (jobs, then the cluster's tables).</summary>
    public int SchemaVersion { get; }

    public void Dispose()
    {
        if (_ownsDatabase) _db.Dispose();
    }

    protected override DbConnection Open() => _db.Open();

    protected override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction();

    protected override string Now => "now()";

    protected override string ForUpdate => " FOR UPDATE";

    protected override void LockClaims(DbConnection connection, DbTransaction transaction)
    {
        using var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({ClaimLock})", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        cmd.ExecuteNonQuery();
    }

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
