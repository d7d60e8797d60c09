using Orleans;
namespace Seer.Cluster;

/// <summary>The grain face of <see cref="WorkerRuntime"/> on the worker's own silo.</summary>
[WorkerPlacement]
public sealed class WorkerGrain(WorkerRuntime runtime) : Grain, IWorkerGrain
{
    public Task<bool> StartAsync(long jobId)
    {
        if (this.GetPrimaryKeyString() != runtime.Name) return Task.FromResult(false);
        return Task.FromResult(runtime.Start(jobId));
    }
}
