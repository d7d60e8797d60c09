using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Seer.Core.Errors;
using Seer.Core.Progress;

namespace Seer.Hosting.Jobs;

/// <summary>
/// The job queue's rules, once, over ADO.NET (tables <c>jobs</c> and <c>job_logs</c>): every call is one committed
/// write; a claim reads the oldest queued jobs and marks the one <see cref="JobScheduler"/> picks as running in one
/// write transaction; log lines of a job are numbered 1, 2, 3... inside a write transaction. The database-specific
/// parts are small hooks: <see cref="SqliteJobQueue"/> (an immediate transaction serialises writers, times as ISO text)
/// and <see cref="Postgres.PostgresJobQueue"/> (an advisory lock for claims, a row lock for log numbers, now()).
/// SQL is written once with <c>@name</c> parameters, which both providers accept.
/// </summary>
public abstract class RelationalJobQueue : IJobQueue
{
    protected const string Columns = "id, kind, state, parameters_json, cpu_threads, gpus, assigned_gpus, created_by, created_at, started_at, " +
                                     "finished_at, worker, attempt, retry_of, progress_stage, progress_done, progress_total, result_json, error, " +
                                     "cancel_requested, checkpoint";

    /// <summary>How many of the oldest queued jobs one claim considers.</summary>
    private const int ClaimWindow = 1000;

    /// <summary>Raised after this process queued, claimed, completed or requeued a job or asked for a cancel.</summary>
    public event Action? Changed;

    /// <summary>An open connection.</summary>
    protected abstract DbConnection Open();

    /// <summary>A transaction that takes the write lock it needs at once.</summary>
    protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>The SQL for "now" (a database function, or <c>@now</c>, bound by <see cref="NowValue"/>).</summary>
    protected abstract string Now { get; }

    /// <summary>The value bound to <c>@now</c> when <see cref="Now"/> is that parameter.</summary>
    protected virtual object NowValue() => DateTimeOffset.UtcNow;

    /// <summary>Appended to a SELECT of one job row that the transaction then changes (a row lock where the database has them).</summary>
    protected virtual string ForUpdate => "";

    /// <summary>Called first in a claim's transaction (serialises claims where the transaction alone does not).</summary>
    protected virtual void LockClaims(DbConnection connection, DbTransaction transaction)
    {
    }

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public JobInfo Enqueue(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Parameters.ValueKind != JsonValueKind.Object)
            throw new SeerException(ErrorCodes.InvalidInput, $"job parameters must be a JSON object, not {request.Parameters.ValueKind}");
        if (request.CpuThreads < 1) throw new SeerException(ErrorCodes.InvalidInput, "a job needs at least 1 CPU thread");
        if (request.Gpus < 0) throw new SeerException(ErrorCodes.InvalidInput, "a job cannot ask for a negative number of GPUs");
        long id = Insert(request, attempt: 1, retryOf: null);
        AppendLog(id, "info", $"queued by {request.CreatedBy} ({request.CpuThreads} CPU thread(s), {request.Gpus} GPU(s))");
        Changed?.Invoke();
        return Get(id);
    }

    public JobInfo Get(long id)
    {
        using var c = Open();
        return Find(c, null, id) ?? throw new SeerException(ErrorCodes.NotFound, $"job {id} does not exist", id.ToString(CultureInfo.InvariantCulture));
    }

    public IReadOnlyList<JobInfo> List(JobState? state = null, int limit = 200)
    {
        using var c = Open();
        using var cmd = Command(c, null, $"SELECT {Columns} FROM jobs {(state is null ? "" : "WHERE state = @s")} ORDER BY id DESC LIMIT @n",
            ("s", state is { } s ? JobStates.Name(s) : (object)DBNull.Value), ("n", Math.Clamp(limit, 1, 10_000)));
        return ReadAll(cmd);
    }

    public IReadOnlyList<JobLogEntry> ReadLogs(long id, long afterSeq = 0)
    {
        Get(id);
        using var c = Open();
        using var cmd = Command(c, null, "SELECT seq, at, level, message FROM job_logs WHERE job_id = @id AND seq > @after ORDER BY seq",
            ("id", id), ("after", afterSeq));
        using var r = cmd.ExecuteReader();
        var list = new List<JobLogEntry>();
        while (r.Read()) list.Add(new JobLogEntry(r.GetInt64(0), ReadTime(r, 1), r.GetString(2), r.GetString(3)));
        return list;
    }

    public JobInfo Cancel(long id, string by)
    {
        using (var c = Open())
        using (var tx = BeginWrite(c))
        {
            var job = Find(c, tx, id, forUpdate: true) ?? throw new SeerException(ErrorCodes.NotFound, $"job {id} does not exist");
            if (JobStates.IsFinal(job.State))
                throw new SeerException(ErrorCodes.Conflict, $"job {id} is already {JobStates.Name(job.State)}; only queued or running jobs can be cancelled");
            if (job.State == JobState.Queued)
                Exec(c, tx, $"UPDATE jobs SET state = 'cancelled', finished_at = {Now}, error = @e WHERE id = @id",
                    ("e", $"cancelled by {by} before it started"), ("id", id));
            else
                Exec(c, tx, "UPDATE jobs SET cancel_requested = @yes WHERE id = @id", ("yes", true), ("id", id));
            tx.Commit();
        }
        AppendLog(id, "info", $"cancel requested by {by}");
        Changed?.Invoke();
        return Get(id);
    }

    public JobInfo Retry(long id, string by)
    {
        var old = Get(id);
        if (old.State is not (JobState.Failed or JobState.Cancelled))
            throw new SeerException(ErrorCodes.Conflict, $"job {id} is {JobStates.Name(old.State)}; only failed or cancelled jobs can be retried");
        long newId = Insert(new JobRequest(old.Kind, old.Parameters, by) { CpuThreads = old.CpuThreads, Gpus = old.Gpus },
            attempt: old.Attempt + 1, retryOf: id);
        AppendLog(newId, "info", $"retry of job {id} (attempt {old.Attempt + 1}) queued by {by}");
        Changed?.Invoke();
        return Get(newId);
    }

    public JobInfo? TryClaimNext(string worker, int freeCpuThreads, IReadOnlyList<int> freeGpus, JobCapacity capacity)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        long claimed;
        using (var c = Open())
        using (var tx = BeginWrite(c))
        {
            LockClaims(c, tx);
            List<JobInfo> queued;
            using (var cmd = Command(c, tx, $"SELECT {Columns} FROM jobs WHERE state = 'queued' ORDER BY id LIMIT {ClaimWindow}"))
                queued = ReadAll(cmd);
            if (JobScheduler.Pick(queued, freeCpuThreads, freeGpus, capacity, DateTimeOffset.UtcNow) is not var (next, gpus))
            {
                tx.Commit();
                return null;
            }
            Exec(c, tx, $"UPDATE jobs SET state = 'running', started_at = {Now}, worker = @w, assigned_gpus = @g WHERE id = @id AND state = 'queued'",
                ("w", worker), ("g", string.Join(',', gpus)), ("id", next.Id));
            tx.Commit();
            claimed = next.Id;
        }
        Changed?.Invoke();
        return Get(claimed);
    }

    /// <summary>Queued jobs that can never start on this capacity (left from an earlier configuration): failed with the reason.</summary>
    public IReadOnlyList<long> FailNeverFitting(JobCapacity capacity)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        var failed = new List<long>();
        foreach (var job in List(JobState.Queued, 10_000))
        {
            if (capacity.WhyNever(job.CpuThreads, job.Gpus) is not { } why) continue;
            Exec($"UPDATE jobs SET state = 'failed', finished_at = {Now}, error = @e WHERE id = @id AND state = 'queued'",
                ("e", $"can never start: {why}"), ("id", job.Id));
            AppendLog(job.Id, "error", $"failed: can never start: {why}");
            failed.Add(job.Id);
        }
        if (failed.Count > 0) Changed?.Invoke();
        return failed;
    }

    public void ReportProgress(long id, WorkProgress progress, int? attempt = null) =>
        Exec("UPDATE jobs SET progress_stage = @s, progress_done = @d, progress_total = @n WHERE id = @id" + Fence(attempt),
            ("s", progress.Message is null ? progress.Stage : $"{progress.Stage}: {progress.Message}"), ("d", progress.Done),
            ("n", progress.Total is long t ? t : (object)DBNull.Value), ("id", id), ("a", attempt ?? 0));

    /// <summary>
    /// The attempt fence: a worker writes to a job only while the job is still its attempt. A worker declared dead
    /// while it was in fact alive (a long pause, a network split) keeps running its copy after the job was requeued;
    /// its progress, checkpoints and final state must not overwrite those of the attempt that now owns the job.
    /// </summary>
    private static string Fence(int? attempt) => attempt is null ? "" : " AND attempt = @a";

    public void AppendLog(long id, string level, string message)
    {
        using var c = Open();
        using var tx = BeginWrite(c);
        // The job's row lock (where there is one) orders concurrent writers (a worker and the server) so seq numbers never collide.
        Exec(c, tx, $"SELECT 1 FROM jobs WHERE id = @id{ForUpdate}", ("id", id));
        Exec(c, tx, "INSERT INTO job_logs (job_id, seq, at, level, message) " +
                    $"VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_logs WHERE job_id = @id), {Now}, @l, @m)",
            ("id", id), ("l", level), ("m", message));
        tx.Commit();
    }

    public void SaveCheckpoint(long id, string checkpoint, int? attempt = null) =>
        Exec("UPDATE jobs SET checkpoint = @c WHERE id = @id" + Fence(attempt), ("c", checkpoint), ("id", id), ("a", attempt ?? 0));

    public bool IsCancelRequested(long id) => Get(id).CancelRequested;

    public bool Complete(long id, JobState state, string? resultJson, string? error, int? attempt = null)
    {
        if (!JobStates.IsFinal(state)) throw new ArgumentException("a job completes in a final state", nameof(state));
        int rows;
        using (var c = Open())
        using (var cmd = Command(c, null, $"UPDATE jobs SET state = @s, finished_at = {Now}, result_json = @r, error = @e WHERE id = @id AND state = 'running'" + Fence(attempt),
                   ("s", JobStates.Name(state)), ("r", (object?)resultJson ?? DBNull.Value), ("e", (object?)error ?? DBNull.Value), ("id", id), ("a", attempt ?? 0)))
            rows = cmd.ExecuteNonQuery();
        if (rows == 0 && attempt is int mine && Get(id).Attempt != mine)
        {
            AppendLog(id, "warning", $"attempt {mine} ended {JobStates.Name(state)} after the job was requeued; its result is dropped (attempt {Get(id).Attempt} owns the job)");
            return false;
        }
        AppendLog(id, state == JobState.Succeeded ? "info" : state == JobState.Waiting ? "warning" : "error",
            error is null ? JobStates.Name(state) : $"{JobStates.Name(state)}: {error}");
        Changed?.Invoke();
        return rows > 0;
    }

    public void Requeue(long id, string reason)
    {
        Exec("UPDATE jobs SET state = 'queued', worker = NULL, started_at = NULL, assigned_gpus = '', attempt = attempt + 1 WHERE id = @id AND state = 'running'",
            ("id", id));
        AppendLog(id, "warning", $"requeued: {reason}");
        Changed?.Invoke();
    }

    public IReadOnlyList<JobInfo> RunningOn(string worker)
    {
        using var c = Open();
        using var cmd = Command(c, null, $"SELECT {Columns} FROM jobs WHERE state = 'running' AND worker = @w ORDER BY id", ("w", worker));
        return ReadAll(cmd);
    }

    private long Insert(JobRequest request, int attempt, long? retryOf)
    {
        using var c = Open();
        using var cmd = Command(c, null, $"""
            INSERT INTO jobs (kind, state, parameters_json, cpu_threads, gpus, created_by, created_at, attempt, retry_of)
            VALUES (@k, 'queued', @p, @c, @g, @b, {Now}, @a, @r) RETURNING id
            """,
            ("k", request.Kind), ("p", request.Parameters.GetRawText()), ("c", request.CpuThreads), ("g", request.Gpus),
            ("b", request.CreatedBy), ("a", attempt));
        var r = cmd.CreateParameter();
        r.ParameterName = "@r";
        r.DbType = DbType.Int64;
        r.Value = retryOf is long v ? v : (object)DBNull.Value;
        cmd.Parameters.Add(r);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private JobInfo? Find(DbConnection c, DbTransaction? tx, long id, bool forUpdate = false)
    {
        using var cmd = Command(c, tx, $"SELECT {Columns} FROM jobs WHERE id = @id{(forUpdate ? ForUpdate : "")}", ("id", id));
        var all = ReadAll(cmd);
        return all.Count == 0 ? null : all[0];
    }

    private List<JobInfo> ReadAll(DbCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<JobInfo>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }

    private JobInfo Read(DbDataReader r)
    {
        string? Str(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : ReadTime(r, i);
        return new JobInfo
        {
            Id = r.GetInt64(0),
            Kind = r.GetString(1),
            State = JobStates.Parse(r.GetString(2)),
            Parameters = JsonDocument.Parse(r.GetString(3)).RootElement.Clone(),
            CpuThreads = r.GetInt32(4),
            Gpus = r.GetInt32(5),
            AssignedGpus = r.GetString(6).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
            CreatedBy = r.GetString(7),
            CreatedAt = ReadTime(r, 8),
            StartedAt = Time(9),
            FinishedAt = Time(10),
            Worker = Str(11),
            Attempt = r.GetInt32(12),
            RetryOf = r.IsDBNull(13) ? null : r.GetInt64(13),
            ProgressStage = Str(14),
            ProgressDone = r.GetInt64(15),
            ProgressTotal = r.IsDBNull(16) ? null : r.GetInt64(16),
            Result = Str(17) is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null,
            Error = Str(18),
            CancelRequested = r.GetBoolean(19),
            Checkpoint = Str(20),
        };
    }

    private void Exec(string sql, params (string Name, object Value)[] args)
    {
        using var c = Open();
        Exec(c, null, sql, args);
    }

    private void Exec(DbConnection c, DbTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var cmd = Command(c, tx, sql, args);
        cmd.ExecuteNonQuery();
    }

    private DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            if (!sql.Contains("@" + name, StringComparison.Ordinal)) continue;
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        if (sql.Contains("@now", StringComparison.Ordinal))
        {
            var now = cmd.CreateParameter();
            now.ParameterName = "@now";
            now.Value = NowValue();
            cmd.Parameters.Add(now);
        }
        return cmd;
    }
}
