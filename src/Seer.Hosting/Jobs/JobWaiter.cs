namespace Seer.Hosting.Jobs;

/// <summary>
/// Waits for a job to reach a condition (by default a final state), woken by the queue's change events in this
/// process and re-reading the job at most once a second for changes made by other processes.
/// </summary>
public sealed class JobWaiter
{
    private readonly IJobQueue _queue;

    public JobWaiter(IJobQueue queue) => _queue = queue;

    public async Task<JobInfo> WaitAsync(long id, Func<JobInfo, bool>? until, TimeSpan timeout, CancellationToken cancellationToken)
    {
        until ??= j => JobStates.IsFinal(j.State);
        using var signal = new SemaphoreSlim(0);
        void OnChanged()
        {
            if (signal.CurrentCount == 0) signal.Release();
        }
        _queue.Changed += OnChanged;
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var job = _queue.Get(id);
                var left = deadline - DateTime.UtcNow;
                if (until(job) || left <= TimeSpan.Zero) return job;
                await signal.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _queue.Changed -= OnChanged;
        }
    }
}
