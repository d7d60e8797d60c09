using System.Text.Json;
using Npgsql;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Data.Postgres;
using Seer.Hosting.Jobs;
using Seer.Hosting.Postgres;
using Seer.Hosting.Storage;
using Seer.Tests.Shared;

namespace Seer.Server.Tests;

/// <summary>
/// The job queue contract on both backends: SQLite in a workspace and PostgreSQL (started by scripts/services.sh,
/// a fresh database per test), plus what only PostgreSQL has (versioned migrations, claims from several processes).
/// </summary>
public sealed class JobQueueBackendTests : IDisposable
{
    private static readonly JobCapacity Capacity = new(4, [0, 1], TimeSpan.FromMinutes(5));
    private readonly List<IDisposable> _open = [];

    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    /// <summary>A fresh, empty database on the test PostgreSQL server; its URL.</summary>
    internal static string NewDatabase() => ScaleServices.NewDatabase();

    private IJobQueue Create(string backend) => backend switch
    {
        "sqlite" => new SqliteJobQueue(new HostingDatabase(TestPaths.TempDir())),
        "postgres" => Track(new PostgresJobQueue(new PostgresDatabase(NewDatabase()), ownsDatabase: true)),
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };

    private T Track<T>(T d) where T : IDisposable
    {
        _open.Add(d);
        return d;
    }

    private static JobRequest Request(string kind, int cpu = 1, int gpus = 0) =>
        new(kind, JsonDocument.Parse("""{"n": 1}""").RootElement, "alice") { CpuThreads = cpu, Gpus = gpus };

    [Theory]
    [MemberData(nameof(Backends))]
    public void Lifecycle_QueueClaimProgressLogCheckpointComplete(string backend)
    {
        var q = Create(backend);
        int changes = 0;
        q.Changed += () => Interlocked.Increment(ref changes);
        var a = q.Enqueue(Request("train", cpu: 2, gpus: 1));
        var b = q.Enqueue(Request("import", cpu: 3));
        Assert.Equal(JobState.Queued, a.State);
        Assert.Equal(1, a.Attempt);
        Assert.Equal(1, a.Parameters.GetProperty("n").GetInt32());
        Assert.Equal([b.Id, a.Id], q.List().Select(j => j.Id));
        Assert.Equal([a.Id, b.Id], q.List(JobState.Queued).Select(j => j.Id).Order());

        var claimed = q.TryClaimNext("w1", 4, [1], Capacity);
        Assert.NotNull(claimed);
        Assert.Equal(a.Id, claimed.Id);
        Assert.Equal(JobState.Running, claimed.State);
        Assert.Equal("w1", claimed.Worker);
        Assert.Equal([1], claimed.AssignedGpus);
        Assert.NotNull(claimed.StartedAt);
        // b needs 3 threads; only 2 are free now: nothing to claim.
        Assert.Null(q.TryClaimNext("w1", 2, [], Capacity));

        q.ReportProgress(a.Id, new WorkProgress("epoch", 3, 10, "loss 0.5"));
        q.SaveCheckpoint(a.Id, "models/x/epoch-3.pt");
        q.AppendLog(a.Id, "info", "epoch 3 done");
        var mid = q.Get(a.Id);
        Assert.Equal(("epoch: loss 0.5", 3L, (long?)10), (mid.ProgressStage, mid.ProgressDone, mid.ProgressTotal));
        Assert.Equal("models/x/epoch-3.pt", mid.Checkpoint);
        Assert.Equal([a.Id], q.RunningOn("w1").Select(j => j.Id));

        q.Complete(a.Id, JobState.Succeeded, """{"model": "m1"}""", null);
        var done = q.Get(a.Id);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal("m1", done.Result!.Value.GetProperty("model").GetString());
        Assert.NotNull(done.FinishedAt);
        Assert.True(done.FinishedAt >= done.StartedAt && done.StartedAt >= done.CreatedAt);
        var logs = q.ReadLogs(a.Id);
        Assert.Equal(Enumerable.Range(1, logs.Count).Select(i => (long)i), logs.Select(l => l.Seq));
        Assert.Equal(["queued by alice (2 CPU thread(s), 1 GPU(s))", "epoch 3 done", "succeeded"], logs.Select(l => l.Message));
        Assert.Single(q.ReadLogs(a.Id, afterSeq: 2));
        Assert.True(changes >= 4);
        Assert.Equal(ErrorCodes.NotFound, Assert.Throws<SeerException>(() => q.Get(999_999)).Code);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AStaleAttempt_CannotOverwriteTheAttemptThatOwnsTheJob(string backend)
    {
        var q = Create(backend);
        var job = q.Enqueue(Request("train"));
        var first = q.TryClaimNext("w1", 4, [], Capacity)!;
        Assert.Equal(1, first.Attempt);
        q.SaveCheckpoint(job.Id, "epoch-1", first.Attempt);
        // w1 is declared dead (but is still running): the job goes back to the queue and w2 takes it
        q.Requeue(job.Id, "worker w1 declared dead");
        var second = q.TryClaimNext("w2", 4, [], Capacity)!;
        Assert.Equal((2, "w2", "epoch-1"), (second.Attempt, second.Worker, second.Checkpoint));
        q.SaveCheckpoint(job.Id, "epoch-2", second.Attempt);

        // w1's late writes are fenced off: progress, checkpoint and its final state leave attempt 2's alone
        q.ReportProgress(job.Id, new WorkProgress("epoch", 9, 10), first.Attempt);
        q.SaveCheckpoint(job.Id, "epoch-9-stale", first.Attempt);
        Assert.False(q.Complete(job.Id, JobState.Succeeded, """{"model": "stale"}""", null, first.Attempt));
        var now = q.Get(job.Id);
        Assert.Equal((JobState.Running, "w2", "epoch-2", 0L), (now.State, now.Worker, now.Checkpoint, now.ProgressDone));
        Assert.Contains(q.ReadLogs(job.Id), l => l.Message.Contains("attempt 1 ended succeeded after the job was requeued", StringComparison.Ordinal));

        // attempt 2 ends the job; its result is the one kept
        q.ReportProgress(job.Id, new WorkProgress("epoch", 10, 10), second.Attempt);
        Assert.True(q.Complete(job.Id, JobState.Succeeded, """{"model": "m2"}""", null, second.Attempt));
        var done = q.Get(job.Id);
        Assert.Equal((JobState.Succeeded, "m2", 10L), (done.State, done.Result!.Value.GetProperty("model").GetString(), done.ProgressDone));
        Assert.Single(q.ReadLogs(job.Id), l => l.Message == "succeeded");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void CancelRetryRequeueAndNeverFitting(string backend)
    {
        var q = Create(backend);
        var a = q.Enqueue(Request("x"));
        var running = q.Enqueue(Request("y"));
        var huge = q.Enqueue(Request("z", cpu: 64));
        Assert.Equal(ErrorCodes.InvalidInput, Assert.Throws<SeerException>(() => q.Enqueue(Request("bad", cpu: 0))).Code);

        Assert.Equal(JobState.Cancelled, q.Cancel(a.Id, "bob").State);
        Assert.Equal(ErrorCodes.Conflict, Assert.Throws<SeerException>(() => q.Cancel(a.Id, "bob")).Code);
        var retry = q.Retry(a.Id, "bob");
        Assert.Equal((JobState.Queued, a.Id, 2), (retry.State, retry.RetryOf, retry.Attempt));
        Assert.Equal(ErrorCodes.Conflict, Assert.Throws<SeerException>(() => q.Retry(retry.Id, "bob")).Code);

        Assert.Equal(running.Id, q.TryClaimNext("w", 1, [], Capacity)!.Id);
        Assert.True(q.Cancel(running.Id, "bob").CancelRequested);
        Assert.True(q.IsCancelRequested(running.Id));
        q.Requeue(running.Id, "worker lost");
        var back = q.Get(running.Id);
        Assert.Equal((JobState.Queued, (string?)null, 2), (back.State, back.Worker, back.Attempt));
        Assert.Contains(q.ReadLogs(running.Id), l => l.Message == "requeued: worker lost");

        Assert.Equal([huge.Id], q.FailNeverFitting(Capacity));
        var failed = q.Get(huge.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.StartsWith("can never start:", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_ConcurrentWorkersInSeparateConnectionPools_NeverClaimTheSameJob()
    {
        string db = NewDatabase();
        var queues = Enumerable.Range(0, 4).Select(_ => Track(new PostgresJobQueue(new PostgresDatabase(db), ownsDatabase: true))).ToList();
        var ids = Enumerable.Range(0, 40).Select(_ => queues[0].Enqueue(Request("x")).Id).ToHashSet();
        var claims = await Task.WhenAll(queues.Select((q, w) => Task.Run(() =>
        {
            var mine = new List<long>();
            while (q.TryClaimNext($"w{w}", 1, [], Capacity) is { } job)
            {
                mine.Add(job.Id);
                q.AppendLog(job.Id, "info", $"claimed by w{w}");
                queues[(w + 1) % queues.Count].AppendLog(job.Id, "info", "a second writer");
            }
            return mine;
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(ids.SetEquals(all));
        Assert.All(ids, id =>
        {
            var job = queues[3].Get(id);
            Assert.Equal(JobState.Running, job.State);
            var logs = queues[3].ReadLogs(id);
            Assert.Equal(Enumerable.Range(1, 3).Select(i => (long)i), logs.Select(l => l.Seq));
            Assert.Contains(logs, l => l.Message == $"claimed by {job.Worker}");
        });
    }

    [Fact]
    public void Postgres_MigrationsAreVersionedAppliedOnceAndARejectedUrlIsClear()
    {
        string url = NewDatabase();
        using (var first = new PostgresJobQueue(new PostgresDatabase(url), ownsDatabase: true))
        using (var second = new PostgresJobQueue(new PostgresDatabase(url), ownsDatabase: true))
        using (var db = new PostgresDatabase(url))
        {
            Assert.Equal(PostgresMigrations.All[^1].Version, first.SchemaVersion);
            Assert.Equal(first.SchemaVersion, second.SchemaVersion);
            using var c = db.Open();
            using var cmd = new NpgsqlCommand("SELECT version, name FROM seer_migrations ORDER BY version", c);
            using var r = cmd.ExecuteReader();
            var rows = new List<(int, string)>();
            while (r.Read()) rows.Add((r.GetInt32(0), r.GetString(1)));
            Assert.Equal(PostgresMigrations.All.Select(m => (m.Version, m.Name)), rows);
        }
        // A database written by a newer Seer is refused, not silently used.
        using (var c = new NpgsqlConnection(PostgresDatabase.ToConnectionString(url)))
        {
            c.Open();
            using var cmd = new NpgsqlCommand("INSERT INTO seer_migrations (version, name) VALUES (999, 'future')", c);
            cmd.ExecuteNonQuery();
        }
        Assert.Equal(ErrorCodes.Conflict, Assert.Throws<SeerException>(() => new PostgresJobQueue(new PostgresDatabase(url), ownsDatabase: true)).Code);

        var bad = Assert.Throws<SeerException>(() => new PostgresDatabase("mysql://u:secret@h/db"));
        Assert.Equal(ErrorCodes.InvalidOptions, bad.Code);
        Assert.DoesNotContain("secret", bad.Message, StringComparison.Ordinal);
        var uri = new Uri(url);
        var wrong = Assert.Throws<SeerException>(() => new PostgresDatabase($"postgres://seer:wrong-pass@{uri.Authority}/seer"));
        Assert.Equal(ErrorCodes.Unavailable, wrong.Code);
        Assert.DoesNotContain("wrong-pass", wrong.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var d in _open) d.Dispose();
    }
}
