using Orleans;
namespace Seer.Cluster;

/// <summary>The cluster's one placement point (key 0): places queued jobs on workers and requeues the jobs of dead workers.</summary>
public interface ISchedulerGrain : IGrainWithIntegerKey
{
    /// <summary>Looks at the queue and the membership now (called on submission, when a job ends, and every second).</summary>
    Task TickAsync();
}
