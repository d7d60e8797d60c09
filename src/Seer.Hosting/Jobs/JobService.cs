using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Hosting.Jobs;

/// <summary>Submits jobs: checks the kind and its parameters with the handler before they reach the queue.</summary>
public sealed class JobService
{
    private readonly IJobQueue _queue;
    private readonly IReadOnlyDictionary<string, IJobHandler> _handlers;
    private readonly JobCapacity _capacity;

    public JobService(IJobQueue queue, IEnumerable<IJobHandler> handlers, JobCapacity capacity)
    {
        _queue = queue;
        _capacity = capacity;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    }

    public IJobQueue Queue => _queue;

    public IReadOnlyCollection<string> Kinds => _handlers.Keys.Order(StringComparer.Ordinal).ToList();

    public JobCapacity Capacity => _capacity;

    /// <summary>
    /// Checks and queues a job for <paramref name="user"/>. Without <paramref name="cpuThreads"/> the kind's default
    /// applies, clamped to the capacity; an explicit request the capacity can never meet (CPU threads or GPUs) is
    /// refused with an invalid_input error naming the capacity, so it cannot wait in the queue forever.
    /// </summary>
    public JobInfo Submit(string kind, JsonElement parameters, string user, int? cpuThreads = null, int gpus = 0)
    {
        if (!_handlers.TryGetValue(kind ?? "", out var handler))
            throw new SeerException(ErrorCodes.InvalidInput, $"unknown job kind '{kind}'; kinds: {string.Join(", ", Kinds)}");
        if (parameters.ValueKind != JsonValueKind.Object)
            throw new SeerException(ErrorCodes.InvalidInput, "job parameters must be a JSON object");
        int threads = cpuThreads ?? Math.Clamp(handler.DefaultCpuThreads, 1, _capacity.CpuThreads);
        _capacity.Demand(threads, gpus);
        handler.Validate(parameters, user);
        return _queue.Enqueue(new JobRequest(kind!, parameters, user) { CpuThreads = threads, Gpus = gpus });
    }
}
