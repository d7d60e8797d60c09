using Orleans;
namespace Seer.Cluster;

/// <summary>A worker's process, addressed by the worker's name (placed on its silo by <see cref="WorkerPlacement"/>).</summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts a job the scheduler claimed for this worker; false when the worker could not take it.</summary>
    Task<bool> StartAsync(long jobId);
}
