using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Seer.Training.Engine;

/// <summary>
/// Caps oneDNN (libtorch's CPU convolution backend) at AVX2 before libtorch loads, unless the user set
/// ONEDNN_MAX_CPU_ISA or DNNL_MAX_CPU_ISA. With TorchSharp 0.107 / libtorch 2.10 on an AVX-512 CPU (AMD EPYC here),
/// training small networks turned NaN in 1 of 3 runs (MineCliTests: 2 of 6 failed); with the cap 0 of 4 did, and
/// every other test is unchanged. Re-checked after every hidden TorchSharp scalar was removed (Engine/ScalarSafe):
/// ExportEvaluationTests' tiny training, 16 runs each: ISA ALL 3 NaN, AVX512_CORE 2 NaN, AVX2 (this cap) 0. The variable must reach the native environment (setenv), which .NET's
/// Environment.SetEnvironmentVariable does not touch on Linux.
/// </summary>
internal static partial class OneDnnIsaCap
{
#pragma warning disable CA2255 // a library module initializer is the point: it must run before any libtorch call
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is not null) return;
        if (Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") is not null) return;
        _ = SetEnv("ONEDNN_MAX_CPU_ISA", "AVX2", 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
