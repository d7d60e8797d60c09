using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Server.Auth;
using Seer.Workflows.Runs;

namespace Seer.Server.Api;

/// <summary>
/// Flow runs (Seer.Workflows' run store, <c>&lt;home&gt;/flows/runs.db</c>), admin only like the flow jobs that make
/// them: <c>GET /api/flows</c> (the runs, newest first: the shape of <c>seer flow list --json</c>),
/// <c>GET /api/flows/{run}</c> (the run and its step instances: <c>seer flow show --json</c>, with each step's
/// <c>card_url</c>), <c>GET /api/flows/{run}/cards/{key}</c> (a step's card, one self-contained HTML file; served with
/// a policy that allows its inline styles and data-URI images and nothing else). Runs start with POST /api/jobs kind
/// <c>flow</c>.
/// </summary>
public static class FlowEndpoints
{
    private const string CardPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    public static void Map(RouteGroupBuilder api)
    {
        var flows = api.MapGroup("/flows").WithTags("flows").RequireAuthorization(SeerAuth.AdminPolicy);
        flows.MapGet("", (Workspace ws) =>
        {
            using var store = new FlowRunStore(ws.Home);
            return Results.Text(new JsonArray(store.ListRuns().Select(r => (JsonNode)FlowRunJson.Summary(r)).ToArray()).ToJsonString(), "application/json");
        });
        flows.MapGet("/{run}", (string run, Workspace ws) =>
        {
            using var store = new FlowRunStore(ws.Home);
            var info = store.GetRun(run);
            var detail = FlowRunJson.Detail(info, store.ListSteps(info.Id));
            foreach (var step in detail["steps"]!.AsArray())
                if (step!["card"] is not null) step["card_url"] = $"/api/flows/{Uri.EscapeDataString(info.Id)}/cards/{Uri.EscapeDataString(step["key"]!.GetValue<string>())}";
            return Results.Text(detail.ToJsonString(), "application/json");
        });
        flows.MapGet("/{run}/cards/{key}", (string run, string key, Workspace ws, HttpContext http) =>
        {
            using var store = new FlowRunStore(ws.Home);
            var info = store.GetRun(run);
            var step = store.FindStep(info.Id, key) ?? throw new SeerException(ErrorCodes.NotFound, $"run {info.Id} has no step '{key}'");
            // the card path comes from the store; it must lie in the run's own folder
            string folder = Path.GetFullPath(store.RunDirectory(info.Id)) + Path.DirectorySeparatorChar;
            if (step.Card is not { } card || !Path.GetFullPath(card).StartsWith(folder, StringComparison.Ordinal) || !File.Exists(card))
                throw new SeerException(ErrorCodes.NotFound, $"step '{key}' of run {info.Id} has no card");
            http.Response.Headers.ContentSecurityPolicy = CardPolicy;
            http.Response.Headers.XFrameOptions = "SAMEORIGIN";
            return Results.File(Path.GetFullPath(card), "text/html; charset=utf-8");
        });
    }
}
