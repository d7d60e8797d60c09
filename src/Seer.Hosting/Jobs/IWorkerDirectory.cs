namespace Seer.Hosting.Jobs;

/// <summary>
/// The workers jobs can run on and what they can take: the in-process runner in the embedded default
/// (<see cref="LocalWorkerDirectory"/>), the cluster's workers when the server joined one (Seer.Cluster).
/// Submission asks it whether a job can ever start somewhere.
/// </summary>
public interface IWorkerDirectory
{
    /// <summary>The workers, with their slots, state and running jobs.</summary>
    IReadOnlyList<WorkerInfo> List();

    /// <summary>The most CPU threads one worker can give a job (the default of a kind is clamped to it).</summary>
    int MaxCpuThreads { get; }

    /// <summary>Throws an invalid_input error naming the capacity when no worker could ever run a job of this size.</summary>
    void Demand(int cpuThreads, int gpus);
}
