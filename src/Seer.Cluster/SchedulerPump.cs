using Orleans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Seer.Hosting.Jobs;

namespace Seer.Cluster;

/// <summary>
/// Ticks the cluster's <see cref="ISchedulerGrain"/> from every silo: at once when this process queued or cancelled a
/// job, else every second (jobs queued by other servers, dead workers). Whichever silo hosts the grain, and whichever
/// silos are left after one dies, placement goes on.
/// </summary>
public sealed class SchedulerPump(IGrainFactory grains, IJobQueue queue, IHostApplicationLifetime lifetime, ILogger<SchedulerPump> log) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        queue.Changed += Wake;
        try
        {
            // Not before the silo is up (the host has started every service, Orleans' included).
            await Task.Delay(Timeout.Infinite, lifetime.ApplicationStarted).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await grains.GetGrain<ISchedulerGrain>(0).TickAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    log.LogWarning("scheduler tick failed: {Message}", ex.Message);
                }
                await _wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Changed -= Wake;
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
