namespace Seer.Hosting.Jobs;

/// <summary>Where a job is in its life. Queued → Running → Succeeded | Failed | Cancelled; a queued job can be cancelled too.</summary>
public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
