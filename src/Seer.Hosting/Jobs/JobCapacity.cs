using Microsoft.Extensions.Options;
using Seer.Core.Errors;

namespace Seer.Hosting.Jobs;

/// <summary>
/// What this host's runner can give jobs at most: its CPU threads (<c>Seer:CpuThreads</c>) and GPU ids
/// (<see cref="IGpuDevices"/>). A job asking for more can never start, so it is refused at submission.
/// </summary>
public sealed class JobCapacity
{
    private readonly Lazy<IReadOnlyList<int>> _gpus;

    public JobCapacity(IOptions<HostingOptions> options, IGpuDevices gpus)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gpus);
        CpuThreads = options.Value.CpuThreads;
        ReserveAfter = options.Value.ReserveAfter;
        _gpus = new Lazy<IReadOnlyList<int>>(() => gpus.Ids);
    }

    public JobCapacity(int cpuThreads, IReadOnlyList<int> gpuIds, TimeSpan reserveAfter)
    {
        CpuThreads = cpuThreads;
        ReserveAfter = reserveAfter;
        _gpus = new Lazy<IReadOnlyList<int>>(() => gpuIds);
    }

    public int CpuThreads { get; }

    public IReadOnlyList<int> GpuIds => _gpus.Value;

    /// <summary>How long a job that does not fit may wait before it reserves capacity (see <see cref="JobScheduler"/>).</summary>
    public TimeSpan ReserveAfter { get; }

    public bool CanEverFit(int cpuThreads, int gpus) => cpuThreads <= CpuThreads && gpus <= GpuIds.Count;

    /// <summary>Why a job of this size can never start here, or null when it can.</summary>
    public string? WhyNever(int cpuThreads, int gpus)
    {
        if (cpuThreads > CpuThreads)
            return $"the job asks for {cpuThreads} CPU threads but this server's capacity is {CpuThreads} CPU thread(s) (Seer:CpuThreads)";
        if (gpus > GpuIds.Count)
            return GpuIds.Count == 0
                ? $"the job asks for {gpus} GPU(s) but this server has no GPUs (Seer:GpuIds lists none that CUDA can see)"
                : $"the job asks for {gpus} GPU(s) but this server's capacity is {GpuIds.Count} GPU(s): {string.Join(", ", GpuIds.Select(g => $"cuda:{g}"))}";
        return null;
    }

    /// <summary>Throws an invalid_input error naming the capacity when the job can never start here.</summary>
    public void Demand(int cpuThreads, int gpus)
    {
        if (cpuThreads < 1) throw new SeerException(ErrorCodes.InvalidInput, $"cpu_threads must be at least 1 (was {cpuThreads})", "cpu_threads");
        if (gpus < 0) throw new SeerException(ErrorCodes.InvalidInput, $"gpus must be 0 or more (was {gpus})", "gpus");
        if (WhyNever(cpuThreads, gpus) is { } why)
            throw new SeerException(ErrorCodes.InvalidInput, why, cpuThreads > CpuThreads ? "cpu_threads" : "gpus");
    }
}
