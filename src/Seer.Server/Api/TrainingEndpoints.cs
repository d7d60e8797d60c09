using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Hosting.Access;
using Seer.Hosting.Jobs;
using Seer.Hosting.Models;
using Seer.Hosting.Training;
using Seer.Server.Auth;
using Seer.Training.Engine;
using Seer.Training.Registry;

namespace Seer.Server.Api;

/// <summary>
/// /api/trained-models: the workspace's model registry (records, curves, the latest evaluation with PR curves, the
/// served name), evaluation as a job; /api/jobs/{id}/curves: a training job's per-epoch curves while it runs.
/// </summary>
public static class TrainingEndpoints
{
    public sealed record EvaluateRequest(string Dataset);

    public static void Map(RouteGroupBuilder api)
    {
        var models = api.MapGroup("/trained-models").WithTags("training");
        models.MapGet("", (Workspace ws, ModelCatalog catalog, HttpContext http, ResourceAccess access, ModelMirror mirror) =>
        {
            mirror.Records();   // in a cluster: the models the workers trained
            var registry = new FileModelRegistry(ws.Home);
            var caller = http.User.Caller();
            var served = catalog.List().Where(m => access.CanSee(ResourceKinds.ServedModel, m.Name, caller)).ToList();
            return registry.List().Where(r => access.CanSee(ResourceKinds.Model, r.Id, caller)).Select(r => Summary(r, registry, served)).ToList();
        });
        models.MapGet("/{id}", (string id, Workspace ws, ModelCatalog catalog, HttpContext http, ResourceAccess access, ModelMirror mirror) =>
        {
            mirror.Records();
            var registry = new FileModelRegistry(ws.Home);
            var caller = http.User.Caller();
            var record = registry.Get(access.ResolveModel(ws, id, caller));
            string folder = registry.Folder(record.Id);
            var curves = record.Curves.Count > 0 ? record.Curves : TrainingCurves.Read(folder).Values.FirstOrDefault() ?? [];
            return Results.Ok(new
            {
                summary = Summary(record, registry, catalog.List().Where(m => access.CanSee(ResourceKinds.ServedModel, m.Name, caller)).ToList()),
                parameters = record.Parameters,
                curves,
                candidates = record.Candidates,
                evaluation = ModelEvaluations.Read(folder),
            });
        });
        models.MapPost("/{id}/share", (string id, DatasetEndpoints.ShareRequest? body, Workspace ws, HttpContext http, ResourceAccess access) =>
            ShareModel(id, body?.Shared ?? true, ws, http, access));
        models.MapPost("/{id}/evaluate", (string id, EvaluateRequest body, HttpContext http, JobService jobs) =>
        {
            var job = jobs.Submit("evaluation", JsonSerializer.SerializeToElement(new { model = id, dataset = body.Dataset }), http.User.UserName());
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        });

        api.MapGet("/jobs/{id:long}/curves", (long id, IJobQueue queue, Workspace ws, HttpContext http, ResourceAccess access, ModelMirror mirror) =>
        {
            var job = JobEndpoints.Visible(id, queue, http, access);
            if (job.Kind != "training")
                throw new SeerException(ErrorCodes.InvalidInput, $"job {id} is a {job.Kind} job; only training jobs have curves");
            int? epochs = job.Parameters.TryGetProperty("epochs", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null;
            string task = job.Parameters.TryGetProperty("task", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "detect";
            string metric = TaskRegistry.Names.Contains(task) ? TaskRegistry.Get(task).PrimaryMetric : "metric";
            IReadOnlyList<EpochRecord> curves = [];
            if (job.Checkpoint is { } model)
            {
                mirror.Record(model);   // in a cluster: the curves the worker running the job last published
                var registry = new FileModelRegistry(ws.Home);
                string folder = registry.Folder(model);
                curves = TrainingCurves.Read(folder).Values.FirstOrDefault() ?? [];
                if (curves.Count == 0 && File.Exists(Path.Combine(folder, "model.json"))) curves = registry.Get(model).Curves;
            }
            return Results.Ok(new { job = id, model = job.Checkpoint, state = job.State, epochs, primary_metric = metric, curves });
        }).WithTags("jobs");
    }

    /// <summary>Shares a trained model (owner or admin).</summary>
    internal static IResult ShareModel(string id, bool shared, Workspace ws, HttpContext http, ResourceAccess access)
    {
        var caller = http.User.Caller();
        string full = access.ResolveModel(ws, id, caller);
        var o = access.Share(ResourceKinds.Model, full, caller, shared);
        return Results.Ok(new { model = full, owner = o.Owner, shared = o.Shared });
    }

    private static object Summary(ModelRecord r, FileModelRegistry registry, IReadOnlyList<ServedModel> served)
    {
        string folder = Path.GetFullPath(registry.Folder(r.Id)) + Path.DirectorySeparatorChar;
        return new
        {
            id = r.Id,
            status = r.Status,
            task = r.Task,
            architecture = r.Architecture,
            classes = r.Classes,
            image_size = r.ImageSize,
            train_dataset = r.TrainDataset,
            val_dataset = r.ValDataset,
            primary_metric = r.PrimaryMetric,
            primary_value = r.PrimaryValue,
            best_epoch = r.BestEpoch,
            epochs = r.Parameters.Epochs,
            metrics = r.Metrics,
            created_at = r.CreatedAt,
            training_seconds = r.TrainingSeconds,
            parent = r.Parent,
            served_as = served.Where(m => m.OnnxPath.StartsWith(folder, StringComparison.Ordinal)).Select(m => m.Name).ToList(),
        };
    }
}
