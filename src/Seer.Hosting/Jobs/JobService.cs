using System.Text.Json;
using Seer.Core.Errors;

namespace Seer.Hosting.Jobs;

/// <summary>Submits jobs: checks the kind and its parameters with the handler before they reach the queue.</summary>
public sealed class JobService
{
    private readonly IJobQueue _queue;
    private readonly IReadOnlyDictionary<string, IJobHandler> _handlers;

    public JobService(IJobQueue queue, IEnumerable<IJobHandler> handlers)
    {
        _queue = queue;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    }

    public IJobQueue Queue => _queue;

    public IReadOnlyCollection<string> Kinds => _handlers.Keys.Order(StringComparer.Ordinal).ToList();

    public JobInfo Submit(string kind, JsonElement parameters, string user, int? cpuThreads = null, int gpus = 0)
    {
        if (!_handlers.TryGetValue(kind ?? "", out var handler))
            throw new SeerException(ErrorCodes.InvalidInput, $"unknown job kind '{kind}'; kinds: {string.Join(", ", Kinds)}");
        if (parameters.ValueKind != JsonValueKind.Object)
            throw new SeerException(ErrorCodes.InvalidInput, "job parameters must be a JSON object");
        handler.Validate(parameters);
        return _queue.Enqueue(new JobRequest(kind!, parameters, user) { CpuThreads = cpuThreads ?? handler.DefaultCpuThreads, Gpus = gpus });
    }
}
