using System.Text.Json;
using Seer.Core.Progress;

namespace Seer.Hosting.Jobs;

/// <summary>What a running job sees: its record, parameters, granted resources, and ways to report progress, log and checkpoint.</summary>
public sealed class JobContext : IProgress<WorkProgress>
{
    private readonly IJobQueue _queue;
    private long _lastReport;

    public JobContext(JobInfo job, IJobQueue queue)
    {
        Job = job;
        _queue = queue;
    }

    public JobInfo Job { get; }

    public JsonElement Parameters => Job.Parameters;

    public int CpuThreads => Job.CpuThreads;

    public IReadOnlyList<int> Gpus => Job.AssignedGpus;

    /// <summary>The checkpoint saved by an earlier attempt, when the job is being resumed.</summary>
    public string? Checkpoint => Job.Checkpoint;

    public void Log(string message) => _queue.AppendLog(Job.Id, "info", message);

    public void Warn(string message) => _queue.AppendLog(Job.Id, "warning", message);

    public void SaveCheckpoint(string checkpoint) => _queue.SaveCheckpoint(Job.Id, checkpoint);

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
        _queue.ReportProgress(Job.Id, value);
    }

    public string? GetString(string name) =>
        Parameters.ValueKind == JsonValueKind.Object && Parameters.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;

    public double? GetNumber(string name) =>
        Parameters.ValueKind == JsonValueKind.Object && Parameters.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble() : null;
}
