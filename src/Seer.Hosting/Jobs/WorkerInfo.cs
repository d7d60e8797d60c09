namespace Seer.Hosting.Jobs;

/// <summary>
/// A worker as <c>GET /api/workers</c> shows it: its name, state (active, joining, shutting_down, dead), the CPU
/// threads and GPU ids it advertises, and the ids of the jobs the queue shows running on it.
/// </summary>
public sealed record WorkerInfo(string Name, string State, int Cpu, IReadOnlyList<int> Gpus, IReadOnlyList<long> Jobs);
