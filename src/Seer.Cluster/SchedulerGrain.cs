using Orleans;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Seer.Hosting;
using Seer.Hosting.Jobs;

namespace Seer.Cluster;

/// <summary>
/// Placement for the whole cluster, one activation (key 0) wherever Orleans puts it; its state is the queue and the
/// membership table, so a new activation after its silo died carries on. A tick:
/// <list type="number">
/// <item>Jobs running on a worker the membership declared dead are settled (<see cref="JobExecution.Settle"/>):
/// resumable kinds go back to the queue and resume from their checkpoint elsewhere, others fail with the reason.</item>
/// <item>For each active worker with slots (round robin, most free CPU threads first), the queue claims the job
/// <see cref="JobScheduler"/> picks for that worker's free CPU threads and GPU ids and its own capacity, so a
/// job that can never fit one worker is left to another, GPU jobs only go to workers with GPUs and get the slot's
/// ids, and a large job waiting does not block smaller ones that fit elsewhere. The worker's grain then starts it;
/// a worker that cannot is given nothing and the job is requeued.</item>
/// </list>
/// </summary>
public sealed class SchedulerGrain(IJobQueue queue, JobExecution execution, WorkerRegistry registry, IClusterMembershipService membership,
    IOptions<HostingOptions> hosting, ILogger<SchedulerGrain> log) : Grain, ISchedulerGrain
{
    public async Task TickAsync()
    {
        var placements = await Task.Run(Plan).ConfigureAwait(true);
        foreach (var (worker, job) in placements)
        {
            bool started;
            try
            {
                started = await GrainFactory.GetGrain<IWorkerGrain>(worker).StartAsync(job.Id).ConfigureAwait(true);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                log.LogWarning(ex, "worker {Worker} could not be reached to start job {Id}", worker, job.Id);
                started = false;
            }
            if (!started) await Task.Run(() => queue.Requeue(job.Id, $"worker {worker} could not start it")).ConfigureAwait(true);
        }
    }

    private List<(string Worker, JobInfo Job)> Plan()
    {
        var members = membership.CurrentSnapshot.Members.Values.ToList();
        var active = members.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var dead = members.Where(m => m.Status == SiloStatus.Dead && !active.Contains(m.Name)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var job in queue.List(JobState.Running, 10_000))
            if (job.Worker is { } w && dead.Contains(w))
                execution.Settle(job, $"worker {w} was declared dead by the cluster");

        var workers = registry.List().Where(w => active.Contains(w.Name) && w.CpuThreads > 0).Select(w =>
        {
            var running = queue.RunningOn(w.Name);
            return new Free(w, w.CpuThreads - running.Sum(j => j.CpuThreads),
                w.GpuIds.Except(running.SelectMany(j => j.AssignedGpus)).Order().ToList());
        }).ToList();
        var placements = new List<(string, JobInfo)>();
        bool claimed = true;
        while (claimed)
        {
            claimed = false;
            foreach (var w in workers.OrderByDescending(w => w.Cpu).ThenBy(w => w.Slots.Name, StringComparer.Ordinal))
            {
                if (w.Cpu <= 0) continue;
                var capacity = new JobCapacity(w.Slots.CpuThreads, w.Slots.GpuIds, hosting.Value.ReserveAfter);
                if (queue.TryClaimNext(w.Slots.Name, w.Cpu, w.Gpus, capacity) is not { } job) continue;
                placements.Add((w.Slots.Name, job));
                w.Cpu -= job.CpuThreads;
                w.Gpus = w.Gpus.Except(job.AssignedGpus).ToList();
                claimed = true;
            }
        }
        return placements;
    }

    private sealed class Free(WorkerSlots slots, int cpu, IReadOnlyList<int> gpus)
    {
        public WorkerSlots Slots { get; } = slots;

        public int Cpu { get; set; } = cpu;

        public IReadOnlyList<int> Gpus { get; set; } = gpus;
    }
}
