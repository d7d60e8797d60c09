using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Seer.Hosting.Jobs;

/// <summary>
/// The in-process worker: claims jobs from the queue while its slots allow, runs each with its handler and records
/// the outcome with <see cref="JobExecution"/> (which job starts next: <see cref="JobScheduler"/>). On start it settles the jobs the queue still shows running here from an earlier process (a crash or
/// kill): resumable kinds are requeued, the others are marked failed with the reason. On shutdown it does the same
/// for the jobs it is running, so none is ever left "running".
/// </summary>
public sealed class LocalJobRunner : BackgroundService, IJobRunner
{
    private readonly IJobQueue _queue;
    private readonly JobExecution _execution;
    private readonly ResourceSlots _slots;
    private readonly JobCapacity _capacity;
    private readonly HostingOptions _options;
    private readonly ILogger<LocalJobRunner> _log;
    private readonly ConcurrentDictionary<long, (Task Task, CancellationTokenSource Cancel)> _running = new();
    private readonly SemaphoreSlim _wake = new(0);

    public LocalJobRunner(IJobQueue queue, JobExecution execution, IOptions<HostingOptions> options, JobCapacity capacity, ILogger<LocalJobRunner> log)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        _queue = queue;
        _execution = execution;
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
        // In a cluster the workers run the jobs (Seer:LocalRunner is false): this runner stays idle.
        if (!_options.LocalRunner) return Task.CompletedTask;
        foreach (var job in _queue.RunningOn(WorkerId)) _execution.Settle(job, "the server stopped (crash or kill) while the job was running");
        foreach (long id in _queue.FailNeverFitting(_capacity)) _log.LogWarning("job {Id} can never start on this server's capacity; failed", id);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.LocalRunner) return;
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
            await _execution.RunAsync(job, WorkerId, cts.Token, stopping, stoppedBy: "the server").ConfigureAwait(false);
        }
        finally
        {
            _slots.Release(job.CpuThreads, job.AssignedGpus);
            _running.TryRemove(job.Id, out _);
            cts.Dispose();
            Wake();
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
