namespace Seer.Hosting.Jobs;

/// <summary>The embedded default: one worker, this process's <see cref="LocalJobRunner"/>, with the host's capacity.</summary>
public sealed class LocalWorkerDirectory(LocalJobRunner runner, JobCapacity capacity, IJobQueue queue) : IWorkerDirectory
{
    public IReadOnlyList<WorkerInfo> List() =>
    [
        new(runner.WorkerId, "active", capacity.CpuThreads, capacity.GpuIds, queue.RunningOn(runner.WorkerId).Select(j => j.Id).ToList()),
    ];

    public int MaxCpuThreads => capacity.CpuThreads;

    public void Demand(int cpuThreads, int gpus) => capacity.Demand(cpuThreads, gpus);
}
