using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Errors;
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
        jobs.MapGet("", (string? state, int? limit, IJobQueue queue) =>
            queue.List(state is null ? null : ParseState(state), limit ?? 200));
        jobs.MapGet("/kinds", (JobService service) => service.Kinds);
        jobs.MapGet("/{id:long}", (long id, IJobQueue queue) => queue.Get(id));
        jobs.MapGet("/{id:long}/wait", (long id, double? timeout, JobWaiter waiter, CancellationToken ct) =>
            waiter.WaitAsync(id, null, TimeSpan.FromSeconds(Math.Clamp(timeout ?? 30, 0, 120)), ct));
        jobs.MapGet("/{id:long}/logs", (long id, long? after, IJobQueue queue) => queue.ReadLogs(id, after ?? 0));
        jobs.MapPost("", (NewJob body, HttpContext http, JobService service) =>
        {
            var job = service.Submit(body.Kind, body.Parameters, http.User.UserName(), body.CpuThreads, body.Gpus ?? 0);
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        });
        jobs.MapPost("/{id:long}/cancel", (long id, HttpContext http, IJobQueue queue) => queue.Cancel(id, http.User.UserName()));
        jobs.MapPost("/{id:long}/retry", (long id, HttpContext http, IJobQueue queue) =>
        {
            var job = queue.Retry(id, http.User.UserName());
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        });
    }

    private static JobState ParseState(string state) =>
        Enum.TryParse<JobState>(state, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s
            : throw new SeerException(ErrorCodes.InvalidInput, $"unknown job state '{state}'; states: queued, running, succeeded, failed, cancelled", state);
}
