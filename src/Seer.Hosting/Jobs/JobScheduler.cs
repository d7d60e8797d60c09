namespace Seer.Hosting.Jobs;

/// <summary>
/// Which queued job a runner starts next. The policy:
/// <list type="number">
/// <item>Jobs are considered oldest first; the first one that fits the free CPU threads and GPUs now starts, so a
/// large job waiting for capacity does not hold back smaller ones behind it (backfill).</item>
/// <item>Starvation bound: the oldest job that does not fit and has waited at least <see cref="JobCapacity.ReserveAfter"/>
/// holds a reservation. While it does, a younger job may start only if it cannot delay it: it takes nothing from a
/// resource the reserved job is still short of, and leaves the reserved job what it already has free. Jobs carry no
/// run-time estimate, so a job that competes for the scarce resource cannot be shown to finish in time and waits:
/// the reserved job starts as soon as running jobs free enough. (A reserved job short of CPU threads therefore drains
/// the runner; one short only of GPUs lets CPU-only jobs use the threads it does not need.)</item>
/// <item>Jobs larger than the whole capacity never start and never reserve (submission refuses them; the runner fails
/// any left from an earlier configuration).</item>
/// </list>
/// </summary>
public static class JobScheduler
{
    /// <summary>The job to start and the GPU ids it gets, or null when none may start now.</summary>
    public static (JobInfo Job, IReadOnlyList<int> Gpus)? Pick(
        IEnumerable<JobInfo> queuedOldestFirst, int freeCpuThreads, IReadOnlyList<int> freeGpus, JobCapacity capacity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(queuedOldestFirst);
        ArgumentNullException.ThrowIfNull(freeGpus);
        ArgumentNullException.ThrowIfNull(capacity);
        JobInfo? reserved = null;
        foreach (var job in queuedOldestFirst)
        {
            if (!capacity.CanEverFit(job.CpuThreads, job.Gpus)) continue;
            bool fits = job.CpuThreads <= freeCpuThreads && job.Gpus <= freeGpus.Count;
            if (reserved is null)
            {
                if (fits) return (job, freeGpus.Take(job.Gpus).ToList());
                if (now - job.CreatedAt >= capacity.ReserveAfter) reserved = job;
                continue;
            }
            if (fits && CannotDelay(job, reserved, freeCpuThreads, freeGpus.Count)) return (job, freeGpus.Take(job.Gpus).ToList());
        }
        return null;
    }

    private static bool CannotDelay(JobInfo candidate, JobInfo reserved, int freeCpu, int freeGpus) =>
        Leaves(candidate.CpuThreads, reserved.CpuThreads, freeCpu) && Leaves(candidate.Gpus, reserved.Gpus, freeGpus);

    /// <summary>
    /// For one resource: the candidate takes none of it while the reserved job is short of it, or leaves at least
    /// what the reserved job needs.
    /// </summary>
    private static bool Leaves(int takes, int reservedNeeds, int free) =>
        reservedNeeds > free ? takes == 0 : free - takes >= reservedNeeds;
}
