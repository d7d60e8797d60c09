using System.Text.Json;

namespace Seer.Hosting.Jobs;

/// <summary>A job as the queue stores it: what to do, its state, progress, timings, resources and outcome.</summary>
public sealed record JobInfo
{
    public required long Id { get; init; }
    public required string Kind { get; init; }
    public required JobState State { get; init; }
    public required JsonElement Parameters { get; init; }
    public required int CpuThreads { get; init; }
    public required int Gpus { get; init; }
    public required IReadOnlyList<int> AssignedGpus { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Worker { get; init; }
    public int Attempt { get; init; }
    public long? RetryOf { get; init; }
    public string? ProgressStage { get; init; }
    public long ProgressDone { get; init; }
    public long? ProgressTotal { get; init; }
    public JsonElement? Result { get; init; }
    public string? Error { get; init; }
    public bool CancelRequested { get; init; }
    public string? Checkpoint { get; init; }

    /// <summary>Seconds spent queued (until start, or until now while still queued).</summary>
    public double QueuedSeconds => ((StartedAt ?? FinishedAt ?? DateTimeOffset.UtcNow) - CreatedAt).TotalSeconds;

    /// <summary>Seconds spent running (until finish, or until now while running); null before it starts.</summary>
    public double? RunSeconds => StartedAt is { } s ? ((FinishedAt ?? DateTimeOffset.UtcNow) - s).TotalSeconds : null;
}
