namespace Seer.Hosting.Jobs;

/// <summary>
/// Where a job is in its life. Queued → Running → Succeeded | Failed | Cancelled | Waiting; a queued job can be cancelled
/// too. Waiting is final for the job but not for its work: it stopped on something a person must do (an iteration
/// round waiting for labels) and a later job continues it; it never shows as succeeded.
/// </summary>
public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Waiting,
}
