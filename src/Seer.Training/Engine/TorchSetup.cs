using Seer.Core.Errors;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>Seeds libtorch, fixes its thread count (determinism) and resolves the device setting.</summary>
public static class TorchSetup
{
    /// <summary>Serialises seeding + weight initialisation: libtorch's default generator is process-wide.</summary>
    public static readonly Lock Gate = new();

    public static Device Prepare(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (Gate)
        {
            int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
            if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
        }
        return ResolveDevice(options.Device);
    }

    /// <summary>Creates a model with weights drawn from the seed, atomically with respect to other seeded creations.</summary>
    public static T CreateSeeded<T>(int seed, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (Gate)
        {
            torch.manual_seed(seed);
            return create();
        }
    }

    /// <summary>CUDA devices libtorch can see (0 without a CUDA runtime).</summary>
    public static int CudaDeviceCount() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    public static Device ResolveDevice(string setting)
    {
        if (!DeviceSpec.TryParse(setting, out DeviceSpec spec))
            throw new SeerException(ErrorCodes.InvalidOptions, $"TrainingOptions.Device must be cpu or cuda:N (was {setting}); set --device");
        if (!spec.IsCuda) return CPU;
        if (!torch.cuda.is_available())
            throw new SeerException(ErrorCodes.Unavailable,
                $"device {spec} requested but CUDA is not available; install TorchSharp's CUDA runtime package (libtorch-cuda-*) or use --device cpu");
        if (spec.Index >= torch.cuda.device_count())
            throw new SeerException(ErrorCodes.Unavailable, $"device {spec} requested but only {torch.cuda.device_count()} CUDA device(s) exist");
        return torch.device(DeviceType.CUDA, spec.Index);
    }
}
