using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.ActiveLearning.Projects;
using Seer.Data;
using Seer.Hosting.Jobs;
using Seer.Hosting.Projects;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>
/// /api/projects: active-learning projects owned by users (list, create, show), a project's iterations (the history of
/// <c>seer project history</c> plus the primary metric and timings) and starting the next iteration as a durable job.
/// Members see their own and shared (owner-less) projects; admins see all.
/// </summary>
public static class ProjectEndpoints
{
    public sealed record NewProject(string Name, string Task, string Train, string Val, string Pool, string? Test);

    public static void Map(RouteGroupBuilder api)
    {
        var projects = api.MapGroup("/projects").WithTags("projects");
        projects.MapGet("", (HttpContext http, ProjectStore store, Workspace ws) =>
            store.List().Where(p => ProjectAccess.Allows(p, http.User.UserName(), IsAdmin(http.User)))
                .Select(p => Summary(p, store, ws)).ToList());
        projects.MapPost("", (NewProject body, HttpContext http, ProjectStore store, Workspace ws) =>
        {
            var project = ProjectSetup.Create(ws, store, body.Name, body.Task, body.Train, body.Val, body.Pool, body.Test, http.User.UserName());
            return Results.Created($"/api/projects/{project.Name}", Summary(project, store, ws));
        });
        projects.MapGet("/{name}", (string name, HttpContext http, ProjectStore store, Workspace ws) => Summary(Allowed(name, http, store), store, ws));
        projects.MapGet("/{name}/iterations", (string name, HttpContext http, ProjectStore store) =>
        {
            var project = Allowed(name, http, store);
            return Iterations(project, store.Iterations(project.Id));
        });
        projects.MapPost("/{name}/iterations", (string name, JsonElement? body, HttpContext http, ProjectStore store, JobService jobs) =>
        {
            var project = Allowed(name, http, store);
            var parameters = body is { ValueKind: JsonValueKind.Object } b ? JsonNode.Parse(b.GetRawText())!.AsObject() : [];
            parameters["project"] = project.Name;
            if (parameters["round"] is null)
            {
                // the next round: the first one not finished (an unfinished or waiting round continues)
                var rounds = store.Iterations(project.Id);
                parameters["round"] = rounds.TakeWhile(r => r.State == IterationRecord.Done).Count();
            }
            int? threads = parameters["cpu_threads"] is JsonValue t && t.TryGetValue(out int n) ? n : null;
            parameters.Remove("cpu_threads");
            var job = jobs.Submit("iteration", JsonSerializer.SerializeToElement(parameters), http.User.UserName(), threads);
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        });
    }

    private static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole("admin");

    private static Project Allowed(string name, HttpContext http, ProjectStore store)
    {
        var project = store.Get(name);
        ProjectAccess.Demand(project, http.User.UserName(), IsAdmin(http.User));
        return project;
    }

    /// <summary>The project (as <c>seer project show --json</c>) with its number of finished rounds and latest primary metric.</summary>
    private static JsonObject Summary(Project project, ProjectStore store, Workspace ws)
    {
        var json = ProjectJson.Project(project, ws);
        var rounds = store.Iterations(project.Id);
        var done = rounds.Where(r => r.State == IterationRecord.Done).ToList();
        var last = rounds.LastOrDefault();
        json["rounds"] = done.Count;
        json["primary_metric"] = ProjectJson.PrimaryMetric(project.Task);
        json["latest_metric"] = done.Count == 0 ? null : ProjectJson.PrimaryValue(project, done[^1]);
        json["latest_labelled"] = done.Count == 0 ? null : done[^1].Labelled;
        json["latest_state"] = last?.State;
        return json;
    }

    /// <summary>{project, task, owner, primary_metric, iterations: [history entry + metric + the round's settings]}.</summary>
    private static JsonObject Iterations(Project project, IReadOnlyList<IterationRecord> rounds)
    {
        var history = ProjectJson.History(rounds);
        for (int i = 0; i < rounds.Count; i++)
        {
            history[i]!["metric"] = ProjectJson.PrimaryValue(project, rounds[i]);
            history[i]!["settings"] = rounds[i].Settings.DeepClone();
        }
        return new JsonObject
        {
            ["project"] = project.Name,
            ["task"] = project.Task,
            ["owner"] = project.Owner,
            ["primary_metric"] = ProjectJson.PrimaryMetric(project.Task),
            ["iterations"] = history,
        };
    }
}
