using Orleans.Runtime;

namespace Seer.Cluster;

/// <summary>
/// Placement of a grain keyed by a worker name on the silo of that name (<see cref="WorkerPlacementDirector"/>), so a
/// call to <see cref="IWorkerGrain"/> "w1" always reaches worker w1's process.
/// </summary>
[Serializable]
public sealed class WorkerPlacement : PlacementStrategy
{
}
