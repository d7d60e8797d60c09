using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Hosting.Access;
using Seer.Hosting.Training;
using Seer.Server.Auth;
using Seer.Training.Onnx;
using Seer.Training.Registry;

namespace Seer.Server.Api;

/// <summary>The model page's extras: every evaluation run (history, newest first) and the ONNX export as a download.</summary>
public static class ModelPageEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var models = api.MapGroup("/trained-models").WithTags("training");
        models.MapGet("/{id}/evaluations", (string id, Workspace ws, HttpContext http, ResourceAccess access, ModelMirror mirror) =>
        {
            mirror.Records();   // in a cluster: the models the workers trained
            var registry = new FileModelRegistry(ws.Home);
            var record = registry.Get(access.ResolveModel(ws, id, http.User.Caller()));
            return Results.Ok(ModelEvaluations.History(registry.Folder(record.Id)));
        });
        models.MapGet("/{id}/model.onnx", (string id, Workspace ws, HttpContext http, ResourceAccess access, ModelMirror mirror) =>
        {
            mirror.Records();
            var registry = new FileModelRegistry(ws.Home);
            var record = registry.Get(access.ResolveModel(ws, id, http.User.Caller()));
            mirror.Model(record.Id);   // the weights (or the export) of a model a worker trained
            if (record.Status != "ready")
                throw new SeerException(ErrorCodes.Conflict, $"model {record.Id} is {record.Status}; only a finished model can be exported", record.Id);
            string onnx = RegistryOnnxExport.ExportCached(registry, record.Id);
            return Results.File(onnx, "application/octet-stream", $"{record.Id}.onnx");
        });
    }
}
