using Seer.Data.Postgres;

namespace Seer.Hosting.Postgres;

/// <summary>
/// The job queue's PostgreSQL schema, one numbered step at a time, recorded in its ledger <c>seer_migrations</c> and
/// applied by <see cref="PostgresDatabase.Migrate"/>; a released step never changes, a new one is appended.
/// (The workspace metadata has its own ledger: Seer.Data's <c>PostgresMetadataMigrations</c>.)
/// </summary>
public static class PostgresMigrations
{
    /// <summary>The ledger table of these steps (its name predates the per-owner ledgers).</summary>
    public const string Ledger = "seer_migrations";

    public static readonly IReadOnlyList<PostgresMigration> All =
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
