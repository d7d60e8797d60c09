using System.Text.Json;
using Seer.Core.Errors;
using Seer.Hosting.Access;

namespace Seer.Hosting.Jobs;

/// <summary>
/// Submits jobs: checks the submitter's rights over what the parameters name (<see cref="JobAccess"/>), then the kind
/// and its parameters with the handler, before they reach the queue; claims the datasets the job will create.
/// </summary>
public sealed class JobService
{
    private readonly IJobQueue _queue;
    private readonly IReadOnlyDictionary<string, IJobHandler> _handlers;
    private readonly IWorkerDirectory _workers;
    private readonly JobAccess _access;
    private readonly ResourceAccess _resources;

    public JobService(IJobQueue queue, IEnumerable<IJobHandler> handlers, IWorkerDirectory workers, JobAccess access, ResourceAccess resources)
    {
        _queue = queue;
        _workers = workers;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
        _access = access;
        _resources = resources;
    }

    public IJobQueue Queue => _queue;

    public IReadOnlyCollection<string> Kinds => _handlers.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Where jobs run: the local runner, or the cluster's workers.</summary>
    public IWorkerDirectory Workers => _workers;

    /// <summary>Checks what a job's parameters name against the user's current rights (as at submission).</summary>
    public void CheckRights(string kind, JsonElement parameters, string user) => _access.Check(kind, parameters, _resources.CallerOf(user));

    /// <summary>
    /// Checks and queues a job for <paramref name="user"/>. Without <paramref name="cpuThreads"/> the kind's default
    /// applies, clamped to the largest worker's capacity; an explicit request no worker can ever meet (CPU threads or GPUs) is
    /// refused with an invalid_input error naming the capacity, so it cannot wait in the queue forever.
    /// </summary>
    public JobInfo Submit(string kind, JsonElement parameters, string user, int? cpuThreads = null, int gpus = 0)
    {
        if (!_handlers.TryGetValue(kind ?? "", out var handler))
            throw new SeerException(ErrorCodes.InvalidInput, $"unknown job kind '{kind}'; kinds: {string.Join(", ", Kinds)}");
        if (parameters.ValueKind != JsonValueKind.Object)
            throw new SeerException(ErrorCodes.InvalidInput, "job parameters must be a JSON object");
        int threads = cpuThreads ?? Math.Clamp(handler.DefaultCpuThreads, 1, Math.Max(1, _workers.MaxCpuThreads));
        _workers.Demand(threads, gpus);
        // The submitter's rights first (with their role as stored now): what they may not see is "not found".
        var caller = _resources.CallerOf(user);
        _access.Check(kind!, parameters, caller);
        handler.Validate(parameters, user);
        var job = _queue.Enqueue(new JobRequest(kind!, parameters, user) { CpuThreads = threads, Gpus = gpus });
        _access.ClaimOutputs(kind!, parameters, caller);
        return job;
    }
}
