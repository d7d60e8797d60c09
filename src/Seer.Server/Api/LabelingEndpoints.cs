using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Hosting.Access;
using Seer.Hosting.Jobs;
using Seer.Hosting.Models;
using Seer.Inference;
using Seer.Inference.Annotation;
using Seer.Labeling;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>
/// /api/labeling: labelling tasks (Seer.Labeling's <see cref="LabelingStore"/>). Members and admins create tasks;
/// labellers see only the tasks they label or review (403 on any other, and every non-labelling route refuses them);
/// admins see all. A PUT of an image carries the revision the editor loaded; a stale one gets 409 and changes nothing.
/// Committing a task that an iteration round made queues the iteration job that continues the round.
/// </summary>
public static class LabelingEndpoints
{
    public sealed record NewTask(string Dataset, string? Version, IReadOnlyList<string>? Classes, IReadOnlyList<string>? Assignees,
        string? Reviewer, string? Model, string? Into, string? Kind, double? Threshold);

    public sealed record ReviewBody(bool Accept, string? Comment);

    public static void Map(RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/labeling/tasks").WithTags("labeling").RequireAuthorization(SeerAuth.AnyUserPolicy);
        tasks.MapPost("", async (NewTask body, HttpContext http, LabelingStore store, Workspace ws, ModelCatalog models, ResourceAccess access, CancellationToken ct) =>
        {
            if (http.User.IsInRole("labeller"))
                throw new SeerException(ErrorCodes.Forbidden, "labellers cannot create labelling tasks; ask a member or an admin");
            if (string.IsNullOrWhiteSpace(body.Dataset)) throw new SeerException(ErrorCodes.InvalidInput, "'dataset' is required", "dataset");
            // the creator must see the source and may change the target; the task then carries that right to its commit
            var caller = http.User.Caller();
            access.DemandDataset(ws, body.Dataset, caller);
            string into = string.IsNullOrWhiteSpace(body.Into) ? body.Dataset + "-labels" : body.Into.Trim();
            if (ws.Metadata.FindHead(into) is not null) access.DemandChange(ResourceKinds.Dataset, into, caller);
            if (!string.IsNullOrWhiteSpace(body.Model)) access.DemandServed(models, body.Model, caller);
            IReadOnlyList<ImageRecord>? predictions = null;
            if (!string.IsNullOrWhiteSpace(body.Model))
            {
                var snapshot = ws.OpenSnapshot(new DatasetRef(body.Dataset, body.Version));
                using var onnx = models.Get(body.Model).Load(Math.Max(1, Environment.ProcessorCount / 2));
                var predictor = new Predictor(onnx, new PredictorOptions { ScoreThreshold = (float)(body.Threshold ?? 0.25) });
                predictions = await PreAnnotator.AnnotateAsync(snapshot, predictor, null, ct).ConfigureAwait(false);
            }
            var task = store.Create(new TaskRequest(body.Dataset, body.Version, body.Classes, body.Assignees, body.Reviewer, body.Model, body.Into, body.Kind),
                http.User.UserName(), predictions);
            return Results.Created($"/api/labeling/tasks/{task.Id}", LabelJson.Task(task));
        });
        tasks.MapGet("", (HttpContext http, LabelingStore store) =>
            new JsonArray(store.List().Where(t => LabelingStore.CanSee(t, http.User.UserName(), IsAdmin(http.User)))
                .Select(t => (JsonNode?)LabelJson.Task(t)).ToArray()));
        tasks.MapGet("/{id:long}", (long id, HttpContext http, LabelingStore store) => LabelJson.Task(Visible(id, http, store)));
        tasks.MapGet("/{id:long}/items", (long id, HttpContext http, LabelingStore store) =>
        {
            Visible(id, http, store);
            return new JsonArray(store.Items(id).Select(i => (JsonNode?)LabelJson.ItemSummary(i)).ToArray());
        });
        tasks.MapGet("/{id:long}/items/{image:int}", (long id, int image, HttpContext http, LabelingStore store) =>
        {
            Visible(id, http, store);
            return LabelJson.Item(store.Item(id, image));
        });
        tasks.MapGet("/{id:long}/items/{image:int}/file", (long id, int image, HttpContext http, LabelingStore store, Workspace ws) =>
        {
            Visible(id, http, store);
            var item = store.Item(id, image);
            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            return Results.Stream(ws.Blobs.OpenRead(item.ContentHash), Thumbnails.ContentType(ws, item.ContentHash));
        });
        tasks.MapPut("/{id:long}/items/{image:int}", (long id, int image, JsonElement body, HttpContext http, LabelingStore store) =>
            LabelJson.Item(store.Save(id, image, LabelJson.ReadEdit(body), http.User.UserName(), IsAdmin(http.User))));
        tasks.MapPost("/{id:long}/items/{image:int}/submit", (long id, int image, JsonElement? body, HttpContext http, LabelingStore store) =>
        {
            long? revision = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("revision", out var r) && r.TryGetInt64(out long n) ? n : null;
            return LabelJson.Item(store.Submit(id, image, http.User.UserName(), IsAdmin(http.User), revision));
        });
        tasks.MapPost("/{id:long}/items/{image:int}/review", (long id, int image, ReviewBody body, HttpContext http, LabelingStore store) =>
            LabelJson.Item(store.Review(id, image, body.Accept, body.Comment, http.User.UserName(), IsAdmin(http.User))));
        tasks.MapPost("/{id:long}/commit", (long id, HttpContext http, LabelingStore store, JobService jobs, ResourceAccess access) =>
        {
            Visible(id, http, store);
            var commit = store.Commit(id, http.User.UserName(), IsAdmin(http.User));
            var json = LabelJson.Version(commit);
            // a dataset the commit made belongs to the task's creator (private until shared, as datasets made through the API)
            if (access.Find(ResourceKinds.Dataset, commit.Version.Dataset) is null && commit.Created)
                access.Claim(ResourceKinds.Dataset, commit.Version.Dataset, store.Get(id).CreatedBy);
            // a task an iteration round made: the round continues now (merge, train, evaluate) as its project's job
            var task = store.Get(id);
            if (task.Origin?["project"]?.GetValue<string>() is { } project && task.Origin?["round"]?.GetValue<int>() is int round)
            {
                var job = jobs.Submit("iteration", JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["project"] = project, ["round"] = round }),
                    task.CreatedBy);
                json["iteration_job"] = job.Id;
            }
            return Results.Ok(json);
        });
    }

    private static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole("admin");

    private static LabelingTask Visible(long id, HttpContext http, LabelingStore store)
    {
        var task = store.Get(id);
        LabelingStore.DemandSee(task, http.User.UserName(), IsAdmin(http.User));
        return task;
    }
}
