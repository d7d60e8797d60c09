using Seer.Core.Progress;

namespace Seer.Hosting.Jobs;

/// <summary>
/// The durable job queue. Clients enqueue, read, cancel and retry; workers (the in-process runner now, workers on
/// other machines later) claim the oldest queued job that fits their free slots, report progress and logs, and
/// complete it. Every call is a committed database write, so a crash loses no state transition.
/// </summary>
public interface IJobQueue
{
    /// <summary>Raised after this process queued, claimed, completed or requeued a job or asked for a cancel.</summary>
    event Action? Changed;

    JobInfo Enqueue(JobRequest request);

    /// <summary>The job, or a not_found SeerException.</summary>
    JobInfo Get(long id);

    IReadOnlyList<JobInfo> List(JobState? state = null, int limit = 200);

    IReadOnlyList<JobLogEntry> ReadLogs(long id, long afterSeq = 0);

    /// <summary>Cancels a queued job at once; asks a running one to stop (its worker finishes it as cancelled).</summary>
    JobInfo Cancel(long id, string by);

    /// <summary>Queues a new job with the parameters of a failed or cancelled one.</summary>
    JobInfo Retry(long id, string by);

    /// <summary>
    /// Claims the job <see cref="JobScheduler"/> picks for the free CPU threads and GPU ids: the oldest that fits now,
    /// unless a job that has waited past <see cref="JobCapacity.ReserveAfter"/> holds a reservation. Null when nothing
    /// can start. The claim and the assigned GPU ids are one committed write.
    /// </summary>
    JobInfo? TryClaimNext(string worker, int freeCpuThreads, IReadOnlyList<int> freeGpus, JobCapacity capacity);

    /// <summary>Fails the queued jobs that can never start on <paramref name="capacity"/> (with the reason); their ids.</summary>
    IReadOnlyList<long> FailNeverFitting(JobCapacity capacity);

    /// <summary>Records progress; with <paramref name="attempt"/>, only while the job is still that attempt (the fence against a stale worker).</summary>
    void ReportProgress(long id, WorkProgress progress, int? attempt = null);

    void AppendLog(long id, string level, string message);

    /// <summary>Records the job's checkpoint; with <paramref name="attempt"/>, only while the job is still that attempt.</summary>
    void SaveCheckpoint(long id, string checkpoint, int? attempt = null);

    bool IsCancelRequested(long id);

    /// <summary>
    /// Moves a running job to a final state with its result (JSON) or error; with <paramref name="attempt"/>, only
    /// while the job is still that attempt (a stale worker's result is dropped, with a log line saying so). True when
    /// the job moved.
    /// </summary>
    bool Complete(long id, JobState state, string? resultJson, string? error, int? attempt = null);

    /// <summary>Puts a running job back in the queue (resume from its checkpoint on the next claim).</summary>
    void Requeue(long id, string reason);

    /// <summary>Jobs the queue shows running on <paramref name="worker"/>.</summary>
    IReadOnlyList<JobInfo> RunningOn(string worker);
}
