using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Browse;
using Seer.Data.Stats;
using Seer.Hosting.Access;
using Seer.Hosting.Jobs;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>/api/datasets, /api/blobs, /api/labels: what `seer dataset` shows, image bytes and thumbnails, import and export as jobs.</summary>
public static class DatasetEndpoints
{
    public sealed record ImportByPath(string Dataset, string Format, string Path);

    public sealed record ExportRequest(string Format, string Output);

    public sealed record NewAlias(string Alias, string Canonical, bool? Confirm);

    public sealed record ShareRequest(bool? Shared);

    public static void Map(RouteGroupBuilder api)
    {
        var ds = api.MapGroup("/datasets").WithTags("datasets");
        ds.MapGet("", (Workspace ws, HttpContext http, ResourceAccess access) =>
            ws.ListDatasets().Where(d => access.CanSee(ResourceKinds.Dataset, d.Name, http.User.Caller())).ToList());
        ds.MapGet("/{reference}", (string reference, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            Demand(reference, ws, http, access);
            var info = ws.Resolve(DatasetRef.Parse(reference));
            return Results.Ok(new { version = info, classes = ws.Metadata.ReadClasses(info.Version) });
        });
        ds.MapGet("/{name}/versions", (string name, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            Demand(name, ws, http, access);
            return ws.Log(DatasetRef.Parse(name)).Where(v => v.Dataset == name).ToList();
        });
        ds.MapGet("/{reference}/lineage", (string reference, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            Demand(reference, ws, http, access);
            var versions = ws.Log(DatasetRef.Parse(reference));
            return Results.Ok(new
            {
                nodes = versions.Select(v => new { id = v.Version, v.Dataset, v.Operation, v.CreatedAt, images = v.ImageCount }),
                edges = versions.SelectMany(v => v.Parents.Select(p => new { from = p, to = v.Version })),
            });
        });
        ds.MapGet("/{reference}/stats", (string reference, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            Demand(reference, ws, http, access);
            return DatasetStatistics.Compute(ws.OpenSnapshot(DatasetRef.Parse(reference)));
        });
        // The images query: server-paged, filtered and sorted in SQLite (Seer.Data.Browse.ImageBrowser).
        ds.MapGet("/{reference}/images", (string reference, int? offset, int? limit, string? label, string? state, string? q, string? sort,
            string? order, string? field, double? min, double? max, Workspace ws, ImageBrowser browser, HttpContext http, ResourceAccess access) =>
        {
            Demand(reference, ws, http, access);
            var page = browser.Query(DatasetRef.Parse(reference), new ImageQuery
            {
                Offset = offset ?? 0, Limit = limit ?? 100, Label = label, State = state, Text = q, Sort = sort, Order = order,
                Field = field, Min = min, Max = max,
            });
            return Results.Ok(new
            {
                dataset = page.Dataset,
                version = page.Version,
                classes = ws.Metadata.ReadClasses(page.Version),
                total = page.Total,
                offset = page.Offset,
                images = page.Images.Select(BrowseEndpoints.Row),
            });
        });
        ds.MapGet("/{reference}/fields", (string reference, Workspace ws, ImageBrowser browser, HttpContext http, ResourceAccess access) =>
        {
            Demand(reference, ws, http, access);
            var info = ws.Resolve(DatasetRef.Parse(reference));
            var at = DatasetRef.Parse($"{info.Dataset}@{info.Version}");
            return Results.Ok(new { fields = browser.FieldNames(info.Version), runs = browser.FieldRuns(at) });
        });
        ds.MapGet("/{reference}/images/random", (string reference, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            Demand(reference, ws, http, access);
            var snapshot = ws.OpenSnapshot(DatasetRef.Parse(reference));
            if (snapshot.Images.Count == 0) throw new SeerException(ErrorCodes.NotFound, $"{snapshot} has no images");
            return Results.Ok(ImageJson(snapshot.Images[Random.Shared.Next(snapshot.Images.Count)]));
        });
        ds.MapPost("/import", async (HttpRequest request, HttpContext http, JobService jobs, Seer.Hosting.Storage.HostingDatabase db, CancellationToken ct) =>
        {
            JsonElement parameters;
            if (request.HasFormContentType)
                parameters = await SaveUploadAsync(request, db.DatabasePath, ct).ConfigureAwait(false);
            else
            {
                if (!request.HasJsonContentType())
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"content type '{request.ContentType}' is neither JSON nor multipart form data: send {{dataset, format, path}} as JSON or the archive as a form upload");
                var body = await request.ReadFromJsonAsync<ImportByPath>(JsonOptions, ct).ConfigureAwait(false)
                    ?? throw new SeerException(ErrorCodes.InvalidInput, "send {dataset, format, path} as JSON or the archive as multipart form data");
                parameters = JsonSerializer.SerializeToElement(new { dataset = body.Dataset, format = body.Format, path = body.Path });
            }
            JobInfo job;
            try
            {
                job = jobs.Submit("import", parameters, http.User.UserName());
            }
            catch when (request.HasFormContentType)
            {
                // A refused submission leaves no upload behind.
                File.Delete(parameters.GetProperty("path").GetString()!);
                throw;
            }
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        }).DisableAntiforgery();
        ds.MapPost("/{reference}/export", (string reference, ExportRequest body, HttpContext http, JobService jobs) =>
        {
            var job = jobs.Submit("export", JsonSerializer.SerializeToElement(new { dataset = reference, format = body.Format, output = body.Output }),
                http.User.UserName());
            return Results.Accepted($"/api/jobs/{job.Id}", job);
        });

        // Share a dataset (all its versions) with every member; only its owner or an admin may. {"shared": false} makes it private again.
        ds.MapPost("/{name}/share", (string name, ShareRequest? body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            Demand(name, ws, http, access);
            var o = access.Share(ResourceKinds.Dataset, name, http.User.Caller(), body?.Shared ?? true);
            return Results.Ok(new { dataset = name, owner = o.Owner, shared = o.Shared });
        });

        api.MapGet("/blobs/{hash}", (string hash, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            CheckHash(hash, ws, http, access);
            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            return Results.Stream(ws.Blobs.OpenRead(hash), Thumbnails.ContentType(ws, hash));
        }).WithTags("images");
        api.MapGet("/blobs/{hash}/thumbnail", (string hash, int? size, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            CheckHash(hash, ws, http, access);
            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            return Results.Bytes(Thumbnails.Make(ws, hash, Math.Clamp(size ?? 256, 16, 1024)), "image/jpeg");
        }).WithTags("images");

        var labels = api.MapGroup("/labels").WithTags("labels");
        labels.MapGet("", (Workspace ws) =>
        {
            var space = ws.Labels;
            return Results.Ok(new { labels = space.Labels, aliases = space.Aliases });
        });
        labels.MapPost("/aliases", (NewAlias body, Workspace ws, HttpContext http) =>
        {
            // The label space is everyone's: renaming a label in use needs an admin (and "confirm": true).
            if (ws.IsLabelInUse(body.Alias) && !http.User.IsInRole("admin"))
                throw new SeerException(ErrorCodes.Forbidden,
                    $"alias '{body.Alias}' → '{body.Canonical}' renames the label '{body.Alias}', which is in use; only an admin may (with \"confirm\": true)", body.Alias);
            ws.AddAlias(body.Alias, body.Canonical, body.Confirm ?? false);
            var space = ws.Labels;
            return Results.Ok(new { labels = space.Labels, aliases = space.Aliases });
        });
    }

    /// <summary>Not found (naming no other dataset) unless the dataset exists and the caller may see it.</summary>
    internal static void Demand(string reference, Workspace ws, HttpContext http, ResourceAccess access) =>
        access.DemandDataset(ws, DatasetRef.Parse(reference).Name, http.User.Caller());

    // Unknown keys are refused by name (a misspelt or CLI-only option such as "verify" must not be dropped silently).
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static object ImageJson(ImageRecord i) => new
    {
        hash = i.ContentHash,
        file_name = i.FileName,
        width = i.Width,
        height = i.Height,
        labelled = i.IsLabelled,
        tags = i.Tags,
        objects = i.Objects.Select(o => new { label = o.Label, box = new[] { o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2 }, score = o.Score, source = o.Source.ToString().ToLowerInvariant() }),
    };

    /// <summary>A well-formed hash of a blob the caller may read (an image of a dataset they can see; admins: any).</summary>
    private static void CheckHash(string hash, Workspace ws, HttpContext http, ResourceAccess access)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{hash}' is not a SHA-256 content hash (64 lower-case hex digits)", hash);
        access.DemandBlob(ws, hash, http.User.Caller());
    }

    /// <summary>Saves an uploaded .zip under the workspace's uploads/ folder (temp name, then rename) and returns the import job's parameters.</summary>
    private static async Task<JsonElement> SaveUploadAsync(HttpRequest request, string databasePath, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct).ConfigureAwait(false);
        string dataset = form["dataset"].ToString();
        string format = form["format"].ToString();
        var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault()
            ?? throw new SeerException(ErrorCodes.InvalidInput, "the form holds no file; send a .zip in a field named 'file'");
        if (!file.FileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            throw new SeerException(ErrorCodes.InvalidInput, $"upload '{file.FileName}' is not a .zip archive", file.FileName);
        Workspace.ValidateDatasetName(dataset);
        string folder = Path.Combine(Path.GetDirectoryName(databasePath)!, "uploads");
        Directory.CreateDirectory(folder);
        string target = Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}.zip");
        string temp = target + ".part";
        try
        {
            await using (var output = File.Create(temp))
                await file.CopyToAsync(output, ct).ConfigureAwait(false);
            File.Move(temp, target);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return JsonSerializer.SerializeToElement(new { dataset, format, path = target });
    }
}
