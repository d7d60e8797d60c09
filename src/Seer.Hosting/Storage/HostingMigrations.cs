using Seer.Data.Postgres;
using Seer.Data.Relational;

namespace Seer.Hosting.Storage;

/// <summary>
/// The hosting tables (jobs, users, tokens, models, settings) as numbered migrations in the workspace's seer.db,
/// recorded in their own <c>hosting_schema_version</c> table with the same rules as the data plane's migrations:
/// each runs in one transaction with its record row; append, never edit one that has shipped. With SEER_DB the same
/// tables (but the job queue, which is <see cref="Postgres.PostgresMigrations"/>') are in PostgreSQL: <see cref="PostgresSteps"/>,
/// ledger <c>hosting_migrations</c>. Flags stay 0/1 integers there, so the stores' SQL is the same on both.
/// </summary>
internal static class HostingMigrations
{
    public static readonly IReadOnlyList<(int Version, string Description, string Sql)> All =
    [
        (1, "jobs, job logs, users, api tokens, models, settings", """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                parameters_json TEXT NOT NULL,
                cpu_threads INTEGER NOT NULL,
                gpus INTEGER NOT NULL,
                assigned_gpus TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                started_at TEXT,
                finished_at TEXT,
                worker TEXT,
                attempt INTEGER NOT NULL DEFAULT 0,
                retry_of INTEGER,
                progress_stage TEXT,
                progress_done INTEGER NOT NULL DEFAULT 0,
                progress_total INTEGER,
                result_json TEXT,
                error TEXT,
                cancel_requested INTEGER NOT NULL DEFAULT 0,
                checkpoint TEXT);
            CREATE INDEX jobs_state ON jobs(state, id);
            CREATE TABLE job_logs (
                job_id INTEGER NOT NULL REFERENCES jobs(id),
                seq INTEGER NOT NULL,
                at TEXT NOT NULL,
                level TEXT NOT NULL,
                message TEXT NOT NULL,
                PRIMARY KEY (job_id, seq));
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL);
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                user_name TEXT NOT NULL REFERENCES users(name),
                secret_hash TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_used_at TEXT,
                revoked INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE served_models (
                name TEXT PRIMARY KEY,
                onnx_path TEXT NOT NULL,
                manifest_path TEXT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL);
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            """),
        (2, "users.session_generation: a per-user stamp in every session cookie; logout and password change bump it", """
            ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
            """),
        (3, "owners and visibility: resource_access (datasets, trained models, served models), jobs.shared", """
            CREATE TABLE resource_access (
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                owner TEXT,
                shared INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                PRIMARY KEY (kind, name));
            ALTER TABLE jobs ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
            """),
    ];

    /// <summary>The hosting tables in PostgreSQL (the jobs table is the queue's: this adds its <c>shared</c> flag).</summary>
    public static readonly IReadOnlyList<PostgresMigration> PostgresSteps =
    [
        new(1, "users, api tokens, served models, settings, owners and visibility; jobs.shared", """
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                session_generation BIGINT NOT NULL DEFAULT 0);
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                user_name TEXT NOT NULL REFERENCES users(name),
                secret_hash TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                last_used_at TIMESTAMPTZ,
                revoked INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE served_models (
                name TEXT PRIMARY KEY,
                onnx_path TEXT NOT NULL,
                manifest_path TEXT,
                created_by TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE resource_access (
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                owner TEXT,
                shared INTEGER NOT NULL DEFAULT 0,
                created_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (kind, name));
            ALTER TABLE jobs ADD COLUMN IF NOT EXISTS shared INTEGER NOT NULL DEFAULT 0;
            """),
    ];

    /// <summary>The hosting tables <c>seer admin migrate</c> copies, parents first (not the job history: the queue starts empty).</summary>
    public static readonly IReadOnlyList<string> Tables = ["users", "api_tokens", "served_models", "settings", "resource_access"];

    /// <summary>The hosting schema on both databases.</summary>
    public static readonly StoreSchema Schema = new("hosting_schema_version", All, "hosting_migrations", PostgresSteps);
}
