using Orleans;
using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seer.Hosting;
using Seer.Hosting.Jobs;

namespace Seer.Cluster;

/// <summary>
/// The job-running side of a silo: its <see cref="ResourceSlots"/> (<c>--cpu</c>, <c>--gpus</c>), the jobs the
/// scheduler placed here (run with <see cref="JobExecution"/>, as the embedded runner does) and the cancel requests
/// for them. On start it advertises its slots (<see cref="WorkerRegistry"/>) and settles jobs an earlier process of
/// the same name left running; on shutdown its running jobs are settled (resumable ones requeued).
/// A server without <c>--worker</c> has a runtime with no slots that never takes a job.
/// </summary>
public sealed class WorkerRuntime : BackgroundService
{
    private readonly IJobQueue _queue;
    private readonly JobExecution _execution;
    private readonly WorkerRegistry _registry;
    private readonly SeerClusterOptions _cluster;
    private readonly IGrainFactory _grains;
    private readonly ILogger<WorkerRuntime> _log;
    private readonly ConcurrentDictionary<long, (Task Task, CancellationTokenSource Cancel)> _running = new();
    private readonly CancellationTokenSource _stopping = new();

    public WorkerRuntime(IJobQueue queue, JobExecution execution, WorkerRegistry registry, IOptions<SeerClusterOptions> cluster,
        IOptions<HostingOptions> hosting, IGpuDevices gpus, IGrainFactory grains, ILogger<WorkerRuntime> log)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(hosting);
        ArgumentNullException.ThrowIfNull(gpus);
        _queue = queue;
        _execution = execution;
        _registry = registry;
        _cluster = cluster.Value;
        _grains = grains;
        _log = log;
        Name = _cluster.Name;
        Slots = _cluster.RunsJobs ? new ResourceSlots(hosting.Value.CpuThreads, gpus.Ids) : null;
    }

    /// <summary>The worker's name (its silo name; recorded on the jobs it runs).</summary>
    public string Name { get; }

    /// <summary>This worker's slots; null on a server that does not run jobs.</summary>
    public ResourceSlots? Slots { get; }

    public IReadOnlyCollection<long> Running => _running.Keys.ToList();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (Slots is not null)
        {
            foreach (var job in _queue.RunningOn(Name)) _execution.Settle(job, $"worker {Name} restarted (crash or kill) while the job was running");
            _registry.Register(new WorkerSlots(Name, Slots.CpuThreads, Slots.FreeGpus, $"{_cluster.Address}:{_cluster.SiloPort}"));
            _log.LogInformation("worker {Name}: {Cpu} CPU thread(s), GPUs [{Gpus}]", Name, Slots.CpuThreads, string.Join(',', Slots.FreeGpus));
        }
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Starts a job the scheduler claimed for this worker; false when it is not ours or the slots are taken.</summary>
    public bool Start(long jobId)
    {
        if (Slots is null || _stopping.IsCancellationRequested) return false;
        var job = _queue.Get(jobId);
        if (job.State != JobState.Running || job.Worker != Name) return false;
        if (_running.ContainsKey(job.Id)) return true;
        if (!Slots.TryTake(job.CpuThreads, job.AssignedGpus)) return false;
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var task = Task.Run(async () =>
        {
            try
            {
                await _execution.RunAsync(job, Name, cts.Token, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                Slots.Release(job.CpuThreads, job.AssignedGpus);
                _running.TryRemove(job.Id, out _);
                cts.Dispose();
                Kick();
            }
        }, CancellationToken.None);
        _running[job.Id] = (task, cts);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var (id, run) in _running)
                    if (!run.Cancel.IsCancellationRequested && _queue.IsCancelRequested(id)) await run.Cancel.CancelAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values.Select(r => r.Task)).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the scheduler to look again (a slot was freed); failures are left to its next periodic tick.</summary>
    private void Kick() => _ = _grains.GetGrain<ISchedulerGrain>(0).TickAsync().ContinueWith(
        t => _log.LogDebug(t.Exception, "scheduler tick after a job ended failed"), TaskContinuationOptions.OnlyOnFaulted);

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }
}
