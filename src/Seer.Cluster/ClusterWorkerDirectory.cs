using Orleans.Runtime;
using Seer.Core.Errors;
using Seer.Hosting.Jobs;

namespace Seer.Cluster;

/// <summary>
/// The cluster's workers for <c>GET /api/workers</c> and for submission: the slots each worker advertised
/// (<see cref="WorkerRegistry"/>), its state from Orleans' membership (its newest silo of that name) and the jobs the
/// queue shows running on it. A job no active worker could ever run is refused at submission, naming the workers.
/// </summary>
public sealed class ClusterWorkerDirectory(WorkerRegistry registry, IClusterMembershipService membership, IJobQueue queue) : IWorkerDirectory
{
    public IReadOnlyList<WorkerInfo> List()
    {
        var newest = membership.CurrentSnapshot.Members.Values
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(m => m.SiloAddress.Generation)!, StringComparer.Ordinal);
        var list = new List<WorkerInfo>();
        foreach (var w in registry.List())
        {
            if (w.CpuThreads <= 0 || !newest.TryGetValue(w.Name, out var member)) continue;
            list.Add(new WorkerInfo(w.Name, State(member.Status), w.CpuThreads, w.GpuIds, queue.RunningOn(w.Name).Select(j => j.Id).ToList()));
        }
        return list;
    }

    public int MaxCpuThreads => Active().Select(w => w.Cpu).DefaultIfEmpty(0).Max();

    public void Demand(int cpuThreads, int gpus)
    {
        if (cpuThreads < 1) throw new SeerException(ErrorCodes.InvalidInput, $"cpu_threads must be at least 1 (was {cpuThreads})", "cpu_threads");
        if (gpus < 0) throw new SeerException(ErrorCodes.InvalidInput, $"gpus must be 0 or more (was {gpus})", "gpus");
        var active = Active();
        if (active.Count == 0)
            throw new SeerException(ErrorCodes.Unavailable, "no worker is active in the cluster; start one with `seer worker --cpu N` on the same SEER_DB");
        if (active.Any(w => w.Cpu >= cpuThreads && w.Gpus.Count >= gpus)) return;
        string workers = string.Join(", ", active.Select(w =>
            $"{w.Name} ({w.Cpu} CPU thread(s), {(w.Gpus.Count == 0 ? "no GPU" : string.Join(' ', w.Gpus.Select(g => $"cuda:{g}")))})"));
        throw new SeerException(ErrorCodes.InvalidInput,
            $"no worker can ever run the job: it asks for {cpuThreads} CPU thread(s) and {gpus} GPU(s); workers: {workers}",
            cpuThreads > active.Max(w => w.Cpu) ? "cpu_threads" : "gpus");
    }

    private List<WorkerInfo> Active() => List().Where(w => w.State == "active").ToList();

    private static string State(SiloStatus status) => status switch
    {
        SiloStatus.Active => "active",
        SiloStatus.Created or SiloStatus.Joining => "joining",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "shutting_down",
        _ => "dead",
    };
}
