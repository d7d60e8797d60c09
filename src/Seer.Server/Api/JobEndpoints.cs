using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Errors;
using Seer.Hosting.Access;
using Seer.Hosting.Jobs;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>/api/jobs: submit, list, show, logs, cancel, retry.</summary>
public static class JobEndpoints
{
    public sealed record NewJob(string Kind, JsonElement Parameters, int? CpuThreads, int? Gpus);

    public static void Map(RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("jobs");
        // Members see their own jobs, shared ones and local (CLI) ones; admins see all.
        jobs.MapGet("", (string? state, int? limit, IJobQueue queue, HttpContext http, ResourceAccess access) =>
            access.Visible(queue.List(state is null ? null : ParseState(state), limit ?? 200), http.User.Caller()));
        jobs.MapGet("/kinds", (JobService service) => service.Kinds);
        jobs.MapGet("/{id:long}", (long id, IJobQueue queue, HttpContext http, ResourceAccess access) => Visible(id, queue, http, access));
        jobs.MapGet("/{id:long}/wait", (long id, double? timeout, JobWaiter waiter, IJobQueue queue, HttpContext http, ResourceAccess access, CancellationToken ct) =>
        {
            Visible(id, queue, http, access);
            return waiter.WaitAsync(id, null, TimeSpan.FromSeconds(Math.Clamp(timeout ?? 30, 0, 120)), ct);
        });
        jobs.MapGet("/{id:long}/logs", (long id, long? after, IJobQueue queue, HttpContext http, ResourceAccess access) =>
        {
            Visible(id, queue, http, access);
            return queue.ReadLogs(id, after ?? 0);
        });
        jobs.MapPost("", (NewJob body, HttpContext http, JobService service) =>
        {
            var job = service.Submit(body.Kind, body.Parameters, http.User.UserName(), body.CpuThreads, body.Gpus ?? 0);
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        });
        // Only the owner or an admin cancels, retries or shares a job.
        jobs.MapPost("/{id:long}/cancel", (long id, HttpContext http, IJobQueue queue, ResourceAccess access) =>
        {
            access.DemandChange(Get(id, queue), http.User.Caller());
            return queue.Cancel(id, http.User.UserName());
        });
        jobs.MapPost("/{id:long}/retry", (long id, HttpContext http, IJobQueue queue, JobService service, ResourceAccess access) =>
        {
            var old = Get(id, queue);
            access.DemandChange(old, http.User.Caller());
            // The retry is checked like a new submission (rights may have changed since).
            service.CheckRights(old.Kind, old.Parameters, http.User.UserName());
            var job = queue.Retry(id, http.User.UserName());
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        });
        jobs.MapPost("/{id:long}/share", (long id, DatasetEndpoints.ShareRequest? body, HttpContext http, IJobQueue queue, ResourceAccess access) =>
        {
            access.ShareJob(Get(id, queue), http.User.Caller(), body?.Shared ?? true);
            return Results.Ok(new { job = id, shared = access.IsShared(id) });
        });
    }

    /// <summary>The job, or the same not-found as for a missing job when the caller may not see it.</summary>
    internal static JobInfo Visible(long id, IJobQueue queue, HttpContext http, ResourceAccess access)
    {
        var job = Get(id, queue);
        access.DemandSee(job, http.User.Caller());
        return job;
    }

    private static JobInfo Get(long id, IJobQueue queue)
    {
        try
        {
            return queue.Get(id);
        }
        catch (SeerException e) when (e.Code == ErrorCodes.NotFound)
        {
            throw ResourceAccess.HiddenJob(id);
        }
    }

    private static JobState ParseState(string state) =>
        Enum.TryParse<JobState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s
            : throw new SeerException(ErrorCodes.InvalidInput, $"unknown job state '{state}'; states: queued, running, succeeded, failed, cancelled", state);
}
