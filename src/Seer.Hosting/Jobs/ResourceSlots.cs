namespace Seer.Hosting.Jobs;

/// <summary>The CPU threads and GPU ids a runner can hand to jobs; a job holds its share until it ends.</summary>
public sealed class ResourceSlots
{
    private readonly Lock _gate = new();
    private readonly SortedSet<int> _freeGpus;
    private int _freeCpu;

    public ResourceSlots(int cpuThreads, IEnumerable<int> gpuIds)
    {
        if (cpuThreads < 1) throw new ArgumentOutOfRangeException(nameof(cpuThreads));
        CpuThreads = cpuThreads;
        _freeCpu = cpuThreads;
        _freeGpus = new SortedSet<int>(gpuIds);
    }

    public int CpuThreads { get; }

    public int FreeCpuThreads { get { lock (_gate) return _freeCpu; } }

    public IReadOnlyList<int> FreeGpus { get { lock (_gate) return _freeGpus.ToList(); } }

    /// <summary>Takes the job's CPU threads and its assigned GPU ids; false (nothing taken) when they are not free.</summary>
    public bool TryTake(int cpuThreads, IReadOnlyList<int> gpus)
    {
        lock (_gate)
        {
            if (cpuThreads > _freeCpu || gpus.Any(g => !_freeGpus.Contains(g))) return false;
            _freeCpu -= cpuThreads;
            foreach (var g in gpus) _freeGpus.Remove(g);
            return true;
        }
    }

    public void Release(int cpuThreads, IReadOnlyList<int> gpus)
    {
        lock (_gate)
        {
            _freeCpu = Math.Min(CpuThreads, _freeCpu + cpuThreads);
            foreach (var g in gpus) _freeGpus.Add(g);
        }
    }
}
