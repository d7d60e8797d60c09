using System.Runtime.InteropServices;

namespace Seer.Training.Engine;

/// <summary>
/// Keeps libtorch's freed tensor memory in the process heap for reuse (glibc malloc tuning, applied once when training
/// starts). By default glibc serves every allocation above its mmap threshold (128 KB, adapting up to 32 MB) with a
/// fresh mmap and unmaps it on free, so each training step page-faults its large activations in again; the adaptive
/// threshold also makes the first steps of a process several times slower. ResNet-18 at 3×64×64, batch 32, 2 threads
/// (a throw-away timing loop, same process, 2026-11-24): 1.94 s per step by default, 1.62 s with this tuning, and no slow start (step 3 on at
/// full speed instead of step 7). The cost: memory freed by training stays with the process (up to the trim threshold
/// of 1 GiB at the heap's top) instead of going back to the OS, and all threads share one malloc arena. The tuning is
/// process-wide, so it is applied only by processes that exist to train (<c>seer train</c>, <c>seer iterate</c>, which
/// call <see cref="KeepFreedMemory"/> first thing), never by a library load: a server that loads Seer.Training keeps
/// glibc's defaults (its training jobs run without the tuning; see docs/jobs.md for the server's figures). From inside a process this
/// comes late: .NET's own threads have already made arenas of their own, and a training thread attached to one of them
/// (heaps of at most 64 MB, mapped and unmapped as tensors come and go) spends much of its time in the kernel (a
/// Fashion-MNIST `seer train`: 192 s system time of 834 s CPU, 7 arenas in malloc_stats). The `seer` launcher
/// therefore sets the same tuning as MALLOC_ARENA_MAX / MALLOC_MMAP_MAX_ / MALLOC_TRIM_THRESHOLD_ before the process
/// starts for those two commands (the same 8 epochs: 12.9 s system time of 364 s CPU, 3 min 55 s wall instead of
/// 7 min 4 s). Set SEER_MALLOC_TUNING=0 to keep glibc's defaults.
/// </summary>
public static partial class NativeHeap
{
    private const int MTrimThreshold = -1;
    private const int MMmapMax = -4;
    private const int MArenaMax = -8;
    private static int applied;

    /// <summary>Applies the tuning to this whole process (once; idempotent). Only for processes that exist to train.</summary>
    public static void KeepFreedMemory()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1) return;
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("SEER_MALLOC_TUNING") == "0") return;
        try
        {
            _ = MallOpt(MMmapMax, 0); // large blocks from the heap, not from one mmap each
            _ = MallOpt(MTrimThreshold, 1 << 30);
            // one arena: with per-thread arenas (heaps of at most 64 MB, grown and shrunk by mmap) the tuning above made
            // a training loop on a worker thread spend a third of its time in the kernel (Fashion-MNIST small-cnn-fc
            // through `seer train`: 60 s per epoch, 230 s system time; with one arena 18 s per epoch, 5 s system time)
            _ = MallOpt(MArenaMax, 1);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // not glibc (e.g. musl): its defaults stay
        }
    }

    /// <summary>
    /// The same tuning as environment variables, for a process to be started with (glibc reads them at start, before any
    /// thread makes an arena): what the <c>seer</c> launcher exports for <c>seer train</c> and <c>seer iterate</c>, and
    /// what a benchmark that trains in its own process restarts itself with (<see cref="TunedByEnvironment"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> EnvironmentVariables { get; } = new Dictionary<string, string>
    {
        ["MALLOC_ARENA_MAX"] = "1",
        ["MALLOC_MMAP_MAX_"] = "0",
        ["MALLOC_TRIM_THRESHOLD_"] = "1073741824",
    };

    /// <summary>True when this process was started with every variable of <see cref="EnvironmentVariables"/> set (to
    /// any value: a user's own values count), or when SEER_MALLOC_TUNING=0 asks for glibc's defaults.</summary>
    public static bool TunedByEnvironment =>
        Environment.GetEnvironmentVariable("SEER_MALLOC_TUNING") == "0" ||
        EnvironmentVariables.Keys.All(k => Environment.GetEnvironmentVariable(k) is not null);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
