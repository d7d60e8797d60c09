using Orleans.Placement;

namespace Seer.Cluster;

/// <summary>Marks a grain class keyed by worker name to be placed on that worker's silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WorkerPlacementAttribute : PlacementAttribute
{
    public WorkerPlacementAttribute()
        : base(new WorkerPlacement())
    {
    }
}
