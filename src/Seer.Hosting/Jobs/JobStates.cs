namespace Seer.Hosting.Jobs;

/// <summary>The lower-case names job states have in the database and the API.</summary>
public static class JobStates
{
    public static string Name(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        JobState.Waiting => "waiting",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static JobState Parse(string name) => name switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "failed" => JobState.Failed,
        "cancelled" => JobState.Cancelled,
        "waiting" => JobState.Waiting,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown job state"),
    };

    public static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.Waiting;
}
