using System.Text.Json;

namespace Seer.Hosting.Jobs;

/// <summary>A job to queue: its kind, parameters (JSON object), the resources it needs and who asked.</summary>
public sealed record JobRequest(string Kind, JsonElement Parameters, string CreatedBy)
{
    public int CpuThreads { get; init; } = 1;

    public int Gpus { get; init; }
}
