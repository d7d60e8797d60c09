using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting.Access;

namespace Seer.Hosting.Jobs;

/// <summary>
/// Runs one claimed job with its handler and records the outcome; settles jobs a worker lost (a crash, a kill, a
/// worker the cluster declared dead). Shared by every runner: the in-process <see cref="LocalJobRunner"/> and the
/// cluster's workers, so a job runs the same way wherever it is placed.
/// </summary>
public sealed class JobExecution
{
    private readonly IJobQueue _queue;
    private readonly IReadOnlyDictionary<string, IJobHandler> _handlers;
    private readonly HostingOptions _options;
    private readonly JobAccess _access;
    private readonly ResourceAccess _resources;
    private readonly ILogger<JobExecution> _log;

    public JobExecution(IJobQueue queue, IEnumerable<IJobHandler> handlers, IOptions<HostingOptions> options, JobAccess access,
        ResourceAccess resources, ILogger<JobExecution> log)
    {
        _queue = queue;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
        _options = options.Value;
        _access = access;
        _resources = resources;
        _log = log;
    }

    /// <summary>
    /// Runs <paramref name="job"/> (claimed by <paramref name="worker"/>) to a final state. <paramref name="cancel"/>
    /// is the job's own token (a user's cancel); when <paramref name="stopping"/> fires instead, the job is settled
    /// (resumable kinds go back to the queue) with "<paramref name="stoppedBy"/> shut down" (default: the worker's name).
    /// </summary>
    public async Task RunAsync(JobInfo job, string worker, CancellationToken cancel, CancellationToken stopping, string? stoppedBy = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!_handlers.TryGetValue(job.Kind, out var handler))
        {
            _queue.Complete(job.Id, JobState.Failed, null, $"no handler for job kind '{job.Kind}' on worker {worker}", job.Attempt);
            return;
        }
        var context = new JobContext(job, _queue, _options.Home);
        context.Log($"started on {worker} (attempt {job.Attempt}, {job.CpuThreads} CPU thread(s)" +
                    (job.AssignedGpus.Count > 0 ? $", GPUs {string.Join(',', job.AssignedGpus)})" : ")"));
        try
        {
            // Rights are checked again when the job runs: a dataset may have been un-shared or a role changed since.
            _access.Check(job.Kind, job.Parameters, _resources.CallerOf(job.CreatedBy));
            object? result = await handler.RunAsync(context, cancel).ConfigureAwait(false);
            if (job.Kind == "training" && _queue.Get(job.Id) is { Checkpoint: { } model } now && now.Attempt == job.Attempt)
            {
                // The trained model (and the name it is served under) belong to the job's owner.
                _resources.Claim(ResourceKinds.Model, model, job.CreatedBy);
                _resources.Claim(ResourceKinds.ServedModel, JobParameters.ParseWithTraining<Kinds.TrainingParameters>(job.Parameters, job.Kind).Value.ServeAs ?? model, job.CreatedBy);
            }
            if (result is JobWaitingResult waiting)
                _queue.Complete(job.Id, JobState.Waiting, JsonSerializer.Serialize(waiting.Result, JobJson.Options), null, job.Attempt);
            else
                _queue.Complete(job.Id, JobState.Succeeded, JsonSerializer.Serialize(result, JobJson.Options), null, job.Attempt);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Settled only while the job is still ours (a cluster may have requeued it to another worker meanwhile).
            if (_queue.Get(job.Id) is { } now && now.Worker == worker) Settle(now, $"{stoppedBy ?? worker} shut down while the job was running");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            _queue.Complete(job.Id, JobState.Cancelled, null, "cancelled while running", job.Attempt);
        }
        catch (Exception ex) when (LibraryErrors.Translate(ex) is { } seer)
        {
            // Bad input (a SeerException, or a library's parser or file error): the message, no stack trace, HOME hidden.
            _queue.Complete(job.Id, JobState.Failed, null, ServerPaths.Hide(seer.Path is null ? seer.Message : $"{seer.Message} ({seer.Path})", _options.Home), job.Attempt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.LogError(ex, "job {Id} ({Kind}) failed", job.Id, job.Kind);
            _queue.Complete(job.Id, JobState.Failed, null, ServerPaths.Hide($"{ex.GetType().Name}: {ex.Message}", _options.Home), job.Attempt);
        }
    }

    /// <summary>
    /// A running job whose worker is gone: resumable kinds (not cancelled) go back to the queue to resume from their
    /// checkpoint (at least once; their steps are idempotent), the others are failed with the reason.
    /// </summary>
    public void Settle(JobInfo job, string reason)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.State != JobState.Running) return;
        if (_handlers.TryGetValue(job.Kind, out var handler) && handler.Resumable && !job.CancelRequested)
            _queue.Requeue(job.Id, $"{reason}; {job.Kind} jobs resume" + (job.Checkpoint is null ? " by running again (idempotent)" : " from their checkpoint"));
        else
            _queue.Complete(job.Id, JobState.Failed, null, $"interrupted: {reason}", job.Attempt);
    }
}
