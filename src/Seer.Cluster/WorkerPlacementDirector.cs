using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Seer.Core.Errors;

namespace Seer.Cluster;

/// <summary>
/// Places a worker-keyed grain on the active silo whose name is the grain's key; a worker that is not (or no
/// longer) in the cluster has no silo, and the call fails with that reason.
/// </summary>
public sealed class WorkerPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string name = target.GrainIdentity.Key.ToString()!;
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        foreach (var member in membership.CurrentSnapshot.Members.Values)
            if (member.Status == SiloStatus.Active && member.Name == name && compatible.Contains(member.SiloAddress))
                return Task.FromResult(member.SiloAddress);
        throw new SeerException(ErrorCodes.Unavailable, $"worker '{name}' is not an active member of the cluster", name);
    }
}
