using Microsoft.Extensions.Options;
using Seer.Training.Engine;

namespace Seer.Hosting.Jobs;

/// <summary>The GPU device ids this host can hand to jobs (a training job given slot N trains on <c>cuda:N</c>).</summary>
public interface IGpuDevices
{
    IReadOnlyList<int> Ids { get; }
}

/// <summary>
/// The devices listed in <c>Seer:GpuIds</c> that CUDA can see. Nothing is probed when none are configured (a CPU-only
/// server never loads libtorch for this); configured ids CUDA does not have are left out, so jobs asking for GPUs
/// are refused at submission instead of waiting for devices that do not exist.
/// </summary>
public sealed class ConfiguredGpuDevices : IGpuDevices
{
    private readonly Lazy<IReadOnlyList<int>> _ids;

    public ConfiguredGpuDevices(IOptions<HostingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Value.GpuIds.ToList();
        _ids = new Lazy<IReadOnlyList<int>>(() =>
        {
            if (configured.Count == 0) return [];
            int present = TorchSetup.CudaDeviceCount();
            return configured.Where(id => id < present).Order().ToList();
        });
    }

    public IReadOnlyList<int> Ids => _ids.Value;
}
