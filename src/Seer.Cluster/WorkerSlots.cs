namespace Seer.Cluster;

/// <summary>What a worker advertised when it started: its name, CPU threads, GPU ids and silo address.</summary>
public sealed record WorkerSlots(string Name, int CpuThreads, IReadOnlyList<int> GpuIds, string Address);
