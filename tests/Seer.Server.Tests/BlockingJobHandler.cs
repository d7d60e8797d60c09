using System.Text.Json;
using Seer.Hosting.Jobs;

namespace Seer.Server.Tests;

/// <summary>A job kind for tests that runs until it is cancelled (or the server stops); not resumable.</summary>
public sealed class BlockingJobHandler : IJobHandler
{
    public string Kind => "test-block";

    public bool Resumable => false;

    public int DefaultCpuThreads => 1;

    public void Validate(JsonElement parameters)
    {
    }

    public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        context.Log("blocking until cancelled");
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return null;
    }
}
