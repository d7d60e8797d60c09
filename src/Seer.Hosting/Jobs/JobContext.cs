using System.Text.Json;
using Seer.Core.Progress;

namespace Seer.Hosting.Jobs;

/// <summary>What a running job sees: its record, parameters, granted resources, and ways to report progress, log and checkpoint.</summary>
public sealed class JobContext : IProgress<WorkProgress>
{
    private readonly IJobQueue _queue;
    private readonly string? _home;
    private long _lastReport;

    /// <param name="home">The workspace folder: written as HOME in the job's log lines (members read them).</param>
    public JobContext(JobInfo job, IJobQueue queue, string? home = null)
    {
        Job = job;
        _queue = queue;
        _home = home;
    }

    public JobInfo Job { get; }

    public JsonElement Parameters => Job.Parameters;

    public int CpuThreads => Job.CpuThreads;

    public IReadOnlyList<int> Gpus => Job.AssignedGpus;

    /// <summary>The checkpoint saved by an earlier attempt, when the job is being resumed.</summary>
    public string? Checkpoint => Job.Checkpoint;

    public void Log(string message) => _queue.AppendLog(Job.Id, "info", Hide(message));

    public void Warn(string message) => _queue.AppendLog(Job.Id, "warning", Hide(message));

    private string Hide(string message) => _home is null ? message : ServerPaths.Hide(message, _home);

    public void SaveCheckpoint(string checkpoint) => _queue.SaveCheckpoint(Job.Id, checkpoint, Job.Attempt);

    /// <summary>
    /// True while the queue still has this job running as this attempt: false once it was requeued to another worker
    /// (this worker was declared dead while alive). Checked before writes outside the queue (model files, the served
    /// model), which the queue's attempt fence does not cover.
    /// </summary>
    public bool StillOwned => _queue.Get(Job.Id) is { State: JobState.Running } now && now.Attempt == Job.Attempt;

    /// <summary>True when a user asked to cancel this job (as opposed to the server shutting down, after which resumable jobs continue).</summary>
    public bool CancelRequested => _queue.IsCancelRequested(Job.Id);

    /// <summary>Records progress; frequent reports are thinned to about four a second unless the stage ends.</summary>
    public void Report(WorkProgress value)
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastReport);
        bool final = value.Total is long t && value.Done >= t;
        if (!final && now - last < 250) return;
        Interlocked.Exchange(ref _lastReport, now);
        _queue.ReportProgress(Job.Id, value, Job.Attempt);
    }
}
