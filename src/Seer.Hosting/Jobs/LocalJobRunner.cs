using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting.Access;

namespace Seer.Hosting.Jobs;

/// <summary>
/// The in-process worker: claims jobs from the queue while its slots allow, runs each with its handler and records
/// the outcome (which job starts next: <see cref="JobScheduler"/>). On start it settles the jobs the queue still shows running here from an earlier process (a crash or
/// kill): resumable kinds are requeued, the others are marked failed with the reason. On shutdown it does the same
/// for the jobs it is running, so none is ever left "running".
/// </summary>
public sealed class LocalJobRunner : BackgroundService, IJobRunner
{
    private readonly IJobQueue _queue;
    private readonly IReadOnlyDictionary<string, IJobHandler> _handlers;
    private readonly ResourceSlots _slots;
    private readonly JobCapacity _capacity;
    private readonly HostingOptions _options;
    private readonly ILogger<LocalJobRunner> _log;
    private readonly ConcurrentDictionary<long, (Task Task, CancellationTokenSource Cancel)> _running = new();
    private readonly SemaphoreSlim _wake = new(0);

    private readonly JobAccess _access;
    private readonly ResourceAccess _resources;

    public LocalJobRunner(IJobQueue queue, IEnumerable<IJobHandler> handlers, IOptions<HostingOptions> options, JobCapacity capacity, ILogger<LocalJobRunner> log,
        JobAccess access, ResourceAccess resources)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        _access = access;
        _resources = resources;
        _queue = queue;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
        _options = options.Value;
        _capacity = capacity;
        _slots = new ResourceSlots(capacity.CpuThreads, capacity.GpuIds);
        _log = log;
        WorkerId = "local@" + Environment.MachineName;
        queue.Changed += Wake;
    }

    public string WorkerId { get; }

    public IReadOnlyCollection<long> Running => _running.Keys.ToList();

    public ResourceSlots Slots => _slots;

    public void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in _queue.RunningOn(WorkerId)) Settle(job, "the server stopped (crash or kill) while the job was running");
        foreach (long id in _queue.FailNeverFitting(_capacity)) _log.LogWarning("job {Id} can never start on this server's capacity; failed", id);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (_running.Count < _options.MaxConcurrentJobs && TryStartNext(stoppingToken)) { }
                foreach (var (id, run) in _running)
                    if (!run.Cancel.IsCancellationRequested && _queue.IsCancelRequested(id)) await run.Cancel.CancelAsync().ConfigureAwait(false);
                // Woken by enqueue/cancel/finish in this process; the timeout picks up jobs queued by other processes.
                await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(_running.Values.Select(r => r.Task)).ConfigureAwait(false);
    }

    private bool TryStartNext(CancellationToken stopping)
    {
        var job = _queue.TryClaimNext(WorkerId, _slots.FreeCpuThreads, _slots.FreeGpus, _capacity);
        if (job is null) return false;
        if (!_slots.TryTake(job.CpuThreads, job.AssignedGpus))
        {
            _queue.Requeue(job.Id, "slots were taken meanwhile");
            return false;
        }
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var task = Task.Run(() => RunAsync(job, cts, stopping), CancellationToken.None);
        _running[job.Id] = (task, cts);
        return true;
    }

    private async Task RunAsync(JobInfo job, CancellationTokenSource cts, CancellationToken stopping)
    {
        try
        {
            if (!_handlers.TryGetValue(job.Kind, out var handler))
            {
                _queue.Complete(job.Id, JobState.Failed, null, $"no handler for job kind '{job.Kind}' on worker {WorkerId}");
                return;
            }
            var context = new JobContext(job, _queue, _options.Home);
            context.Log($"started on {WorkerId} (attempt {job.Attempt}, {job.CpuThreads} CPU thread(s)" +
                        (job.AssignedGpus.Count > 0 ? $", GPUs {string.Join(',', job.AssignedGpus)})" : ")"));
            try
            {
                // Rights are checked again when the job runs: a dataset may have been un-shared or a role changed since.
                _access.Check(job.Kind, job.Parameters, _resources.CallerOf(job.CreatedBy));
                object? result = await handler.RunAsync(context, cts.Token).ConfigureAwait(false);
                if (job.Kind == "training" && _queue.Get(job.Id).Checkpoint is { } model)
                {
                    // The trained model (and the name it is served under) belong to the job's owner.
                    _resources.Claim(ResourceKinds.Model, model, job.CreatedBy);
                    _resources.Claim(ResourceKinds.ServedModel, JobParameters.ParseWithTraining<Kinds.TrainingParameters>(job.Parameters, job.Kind).Value.ServeAs ?? model, job.CreatedBy);
                }
                if (result is JobWaitingResult waiting)
                    _queue.Complete(job.Id, JobState.Waiting, JsonSerializer.Serialize(waiting.Result, JobJson.Options), null);
                else
                    _queue.Complete(job.Id, JobState.Succeeded, JsonSerializer.Serialize(result, JobJson.Options), null);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                Settle(_queue.Get(job.Id), "the server shut down while the job was running");
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                _queue.Complete(job.Id, JobState.Cancelled, null, "cancelled while running");
            }
            catch (Exception ex) when (LibraryErrors.Translate(ex) is { } seer)
            {
                // Bad input (a SeerException, or a library's parser or file error): the message, no stack trace, HOME hidden.
                _queue.Complete(job.Id, JobState.Failed, null, ServerPaths.Hide(seer.Path is null ? seer.Message : $"{seer.Message} ({seer.Path})", _options.Home));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _log.LogError(ex, "job {Id} ({Kind}) failed", job.Id, job.Kind);
                _queue.Complete(job.Id, JobState.Failed, null, ServerPaths.Hide($"{ex.GetType().Name}: {ex.Message}", _options.Home));
            }
        }
        finally
        {
            _slots.Release(job.CpuThreads, job.AssignedGpus);
            _running.TryRemove(job.Id, out _);
            cts.Dispose();
            Wake();
        }
    }

    private void Settle(JobInfo job, string reason)
    {
        if (job.State != JobState.Running) return;
        if (_handlers.TryGetValue(job.Kind, out var handler) && handler.Resumable && !job.CancelRequested)
            _queue.Requeue(job.Id, $"{reason}; {job.Kind} jobs resume" + (job.Checkpoint is null ? " by running again (idempotent)" : " from their checkpoint"));
        else
            _queue.Complete(job.Id, JobState.Failed, null, $"interrupted: {reason}");
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
