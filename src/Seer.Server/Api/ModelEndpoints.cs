using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Hosting;
using Seer.Hosting.Access;
using Seer.Imaging;
using Seer.Hosting.Models;
using Seer.Inference.ImageApi;
using Seer.Inference.Processing;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>/api/models: served models (admins register and remove) and the image API (multipart image in, JSON out).</summary>
public static class ModelEndpoints
{
    public sealed record NewModel(string Name, string OnnxPath, string? ManifestPath);

    public static void Map(RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("models");
        models.MapGet("", (ModelCatalog catalog, HttpContext http, ResourceAccess access) =>
            catalog.List().Where(m => access.CanSee(ResourceKinds.ServedModel, m.Name, http.User.Caller())).ToList());
        models.MapGet("/{name}", (string name, ModelCatalog catalog, HttpContext http, ResourceAccess access) =>
        {
            var m = access.DemandServed(catalog, name, http.User.Caller());
            if (catalog.IsFaceBundle(name))
                return Results.Ok(new { model = m, face_bundle = catalog.Faces(name).Bundle, embedding_dim = catalog.Faces(name).EmbeddingDimension });
            using var loaded = m.Load(1);
            return Results.Ok(new { model = m, spec = loaded.Spec, input = loaded.InputName, outputs = loaded.OutputNames });
        });
        models.MapPost("", (NewModel body, HttpContext http, ModelCatalog catalog, ResourceAccess access) =>
        {
            var m = catalog.Register(body.Name, body.OnnxPath, body.ManifestPath, http.User.UserName());
            access.Claim(ResourceKinds.ServedModel, m.Name, http.User.UserName());
            return Results.Created($"/api/models/{m.Name}", m);
        }).RequireAuthorization(SeerAuth.AdminPolicy);
        models.MapDelete("/{name}", (string name, ModelCatalog catalog) =>
        {
            catalog.Remove(name);
            return Results.NoContent();
        }).RequireAuthorization(SeerAuth.AdminPolicy);

        // Share a served model with every member (owner or admin); for a name that is not served, a trained model id.
        models.MapPost("/{id}/share", (string id, DatasetEndpoints.ShareRequest? body, ModelCatalog catalog, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            var caller = http.User.Caller();
            if (catalog.List().Any(m => m.Name == id) && access.CanSee(ResourceKinds.ServedModel, id, caller))
            {
                var o = access.Share(ResourceKinds.ServedModel, id, caller, body?.Shared ?? true);
                return Results.Ok(new { served_model = id, owner = o.Owner, shared = o.Shared });
            }
            return TrainingEndpoints.ShareModel(id, body?.Shared ?? true, ws, http, access);
        });

        // The image API: multipart field "image" (one file); query: threshold, min_box_size, min_sharpness, crops.
        models.MapPost("/{name}/analyze", async (string name, HttpRequest request, ModelCatalog catalog, ResourceAccess access,
            Microsoft.Extensions.Options.IOptions<HostingOptions> limits, float? threshold,
            double? minBoxSize, double? minSharpness, bool? crops, CancellationToken ct) =>
        {
            access.DemandServed(catalog, name, request.HttpContext.User.Caller());
            if (!request.HasFormContentType)
                throw new SeerException(ErrorCodes.InvalidInput, "send the image as multipart/form-data in a field named 'image'");
            var form = await request.ReadFormAsync(ct).ConfigureAwait(false);
            var file = form.Files.GetFile("image") ?? form.Files.FirstOrDefault()
                ?? throw new SeerException(ErrorCodes.InvalidInput, "the form holds no file; send the image in a field named 'image'");
            bool faces = catalog.IsFaceBundle(name);
            float t = threshold ?? (faces ? catalog.Faces(name).Bundle.ScoreThreshold : 0.25f);
            if (t is not (>= 0 and <= 1)) throw new SeerException(ErrorCodes.InvalidInput, $"threshold {t} is outside 0..1", "threshold"); // NaN too
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct).ConfigureAwait(false);
            // The pixel cap from the header, before any decoding allocates width x height pixels.
            ImagePixelCap.Check(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), file.FileName, limits.Value.MaxImagePixels);
            if (faces)
                return Results.Ok(FaceAnalysis.Analyze(catalog.Faces(name), name, t, new EncodedImage(file.FileName, buffer.ToArray()),
                    minBoxSize ?? 0, minSharpness ?? 0, crops ?? false));
            var analyzer = catalog.Analyzer(name, t);
            var options = new ImageAnalysisOptions
            {
                IncludeCrops = crops ?? false,
                IncludeFeatures = false,
                MinBoxSize = minBoxSize ?? 0,
                MinSharpness = minSharpness ?? 0,
            };
            var result = analyzer.Analyze(new EncodedImage(file.FileName, buffer.ToArray()), options);
            return Results.Ok(new
            {
                model = name,
                threshold = t,
                image = new { result.Name, result.Width, result.Height, result.Sharpness },
                objects = result.Objects.Select(o => new
                {
                    box = new[] { o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2 },
                    o.Label,
                    o.Score,
                    o.Sharpness,
                    crop = o.Crop is null ? null : Convert.ToBase64String(o.Crop),
                    // a classifier's answer (the whole image is its one object): {"class": {"label", "score"}}
                    attributes = o.Attributes.Count == 0 ? null : o.Attributes.ToDictionary(a => a.Key, a => new { label = a.Value.Label, score = a.Value.Score }),
                }),
                dropped_too_small = result.DroppedTooSmall,
                dropped_blurry = result.DroppedBlurry,
            });
        }).DisableAntiforgery();
    }
}
