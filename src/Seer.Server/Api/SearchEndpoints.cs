using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Seer.Core.Errors;
using Seer.Hosting;
using Seer.Hosting.Access;
using Seer.Hosting.Search;
using Seer.Inference.Processing;
using Seer.Search;

namespace Seer.Server.Api;

/// <summary>
/// Compare and search (Megvii's feature-group API): /api/groups (create with dim, metric, index; list; delete),
/// /api/groups/{g}/items (add vectors, or images through a served embed model; remove by id), /api/groups/{g}/search
/// (vectors or images; k, threshold; one query is 1:N, several are k:N) and /api/compare (1:1). Vectors arrive as JSON;
/// images as multipart/form-data (files, plus a "model" field naming a served embed model). Parsing and formatting
/// only: Seer.Search validates (dimension, NaN/Inf → 400, nothing written) and searches; who may do what is
/// <see cref="FeatureGroupAccess"/>.
/// </summary>
public static class SearchEndpoints
{
    public sealed record NewGroup(string Name, int Dim, string? Metric, string? Index, int? M, int? EfConstruction, int? EfSearch);

    public sealed record NewItem(string Id, float[]? Vector, string? Metadata);

    public sealed record NewItems(IReadOnlyList<NewItem>? Items, bool? Upsert);

    public sealed record SearchRequest(float[]? Vector, IReadOnlyList<float[]>? Vectors, int? K, float? Threshold);

    public sealed record CompareRequest(float[]? A, float[]? B, string? Metric, float? Threshold, string? Model, string? Far);

    public static void Map(RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups").WithTags("search")
            .Owned(ResourceKinds.FeatureGroup, "g", r => HttpMethods.IsGet(r.Method) || r.Path.Value?.EndsWith("/search", StringComparison.Ordinal) == true,
                (sp, g) => sp.GetRequiredService<FeatureGroupHost>().Info(g));
        groups.MapGet("", (HttpContext http, FeatureGroupHost host) =>
        {
            FeatureGroupAccess.DemandRead(http.User, null);
            return OwnedRoutes.Visible(http, ResourceKinds.FeatureGroup, host.List(), i => i.Name).Select(Json);
        });
        groups.MapPost("", (NewGroup body, HttpContext http, FeatureGroupHost host) =>
        {
            FeatureGroupAccess.DemandWrite(http.User, body.Name);
            var defaults = new FeatureGroupOptions();
            var options = new FeatureGroupOptions
            {
                Dimension = body.Dim,
                Metric = body.Metric is null ? defaults.Metric : FeatureGroupOptions.ParseMetric(body.Metric),
                Index = body.Index is null ? defaults.Index : FeatureGroupOptions.ParseIndex(body.Index),
                M = body.M ?? defaults.M,
                EfConstruction = body.EfConstruction ?? defaults.EfConstruction,
                EfSearch = body.EfSearch ?? defaults.EfSearch,
            };
            var info = host.Create(body.Name, options);
            OwnedRoutes.Claim(http, ResourceKinds.FeatureGroup, info.Name);
            return Results.Created($"/api/groups/{info.Name}", Json(info));
        });
        groups.MapGet("/{g}", (string g, HttpContext http, FeatureGroupHost host) =>
        {
            FeatureGroupAccess.DemandRead(http.User, g);
            return Json(host.Info(g));
        });
        groups.MapDelete("/{g}", (string g, HttpContext http, FeatureGroupHost host) =>
        {
            FeatureGroupAccess.DemandDelete(http.User, g);
            host.Delete(g);
            return Results.NoContent();
        });

        // Items: JSON {items: [{id, vector, metadata}], upsert}, multipart files (id = file name) + field "model", or a
        // multipart vector file (field "vectors": .npy / .fvecs float32, optional "ids": one per line) as `seer search add` reads.
        groups.MapPost("/{g}/items", async (string g, HttpRequest request, FeatureGroupHost host, PathPolicy paths, bool? upsert, CancellationToken ct) =>
        {
            FeatureGroupAccess.DemandWrite(request.HttpContext.User, g);
            var group = host.Get(g);
            List<FeatureItem> items;
            bool replace = upsert ?? false;
            if (request.HasFormContentType && await request.ReadFormAsync(ct).ConfigureAwait(false) is { } form && form.Files.GetFile("vectors") is not null)
            {
                int added = await AddVectorFileAsync(group, form, paths, replace, ct).ConfigureAwait(false);
                return Results.Ok(new { group = g, added, items_total = group.Count });
            }
            if (request.HasFormContentType)
            {
                var (model, images) = await ReadImagesAsync(request, ct).ConfigureAwait(false);
                var vectors = host.Embed(model, images);
                items = images.Select((image, i) => new FeatureItem(image.Name, vectors[i], null)).ToList();
            }
            else
            {
                var body = await ReadJsonAsync<NewItems>(request, ct).ConfigureAwait(false);
                if (body.Items is not { Count: > 0 })
                    throw new SeerException(ErrorCodes.InvalidInput, "send {\"items\": [{\"id\": ..., \"vector\": [...]}]} with at least one item");
                items = body.Items.Select((item, i) => new FeatureItem(item.Id, item.Vector
                    ?? throw new SeerException(ErrorCodes.InvalidInput, $"item {i} ('{item.Id}') has no vector"), item.Metadata)).ToList();
                replace |= body.Upsert ?? false;
            }
            if (replace) group.Upsert(items);
            else group.Add(items);
            return Results.Ok(new { group = g, added = items.Count, ids = items.Select(i => i.Id), items_total = group.Count });
        }).DisableAntiforgery();
        groups.MapGet("/{g}/items/{id}", (string g, string id, HttpContext http, FeatureGroupHost host) =>
        {
            FeatureGroupAccess.DemandRead(http.User, g);
            var item = host.Get(g).Get(id) ?? throw new SeerException(ErrorCodes.NotFound, $"id '{id}' is not in feature group '{g}'", g);
            return Results.Ok(new { item.Id, item.Vector, item.Metadata });
        });
        groups.MapDelete("/{g}/items/{id}", (string g, string id, HttpContext http, FeatureGroupHost host) =>
        {
            FeatureGroupAccess.DemandWrite(http.User, g);
            var group = host.Get(g);
            group.Remove([id]);
            return Results.Ok(new { group = g, removed = id, items_total = group.Count });
        });

        // Search: JSON {vector | vectors, k, threshold} or multipart files + "model" (+ "k", "threshold" fields or query).
        groups.MapPost("/{g}/search", async (string g, HttpRequest request, FeatureGroupHost host, int? k, float? threshold, CancellationToken ct) =>
        {
            FeatureGroupAccess.DemandRead(request.HttpContext.User, g);
            var group = host.Get(g);
            IReadOnlyList<float[]> queries;
            IReadOnlyList<string?> names;
            if (request.HasFormContentType)
            {
                var (model, images) = await ReadImagesAsync(request, ct).ConfigureAwait(false);
                var form = await request.ReadFormAsync(ct).ConfigureAwait(false);
                k ??= FormNumber(form, "k", int.Parse);
                threshold ??= FormNumber(form, "threshold", float.Parse);
                queries = host.Embed(model, images);
                names = images.Select(i => (string?)i.Name).ToList();
            }
            else
            {
                var body = await ReadJsonAsync<SearchRequest>(request, ct).ConfigureAwait(false);
                if ((body.Vector is null) == (body.Vectors is null))
                    throw new SeerException(ErrorCodes.InvalidInput, "send either \"vector\": [...] (1:N) or \"vectors\": [[...], ...] (k:N)");
                queries = body.Vector is { } one ? [one] : body.Vectors!;
                if (queries.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, "\"vectors\" is empty");
                k ??= body.K;
                threshold ??= body.Threshold;
                names = queries.Select(_ => (string?)null).ToList();
            }
            var flat = new float[queries.Sum(q => (long)(q?.Length ?? 0))];
            int at = 0;
            for (int q = 0; q < queries.Count; q++)
            {
                var vector = queries[q] ?? throw new SeerException(ErrorCodes.InvalidInput, $"query {q} is null");
                if (vector.Length != group.Dimension)
                    throw new SeerException(ErrorCodes.InvalidInput, $"query {q} has dimension {vector.Length}, feature group '{g}' expects {group.Dimension}");
                vector.CopyTo(flat, at);
                at += vector.Length;
            }
            int take = k ?? 10;
            var results = group.SearchBatch(flat, take, threshold);
            return Results.Ok(new
            {
                group = g,
                k = take,
                threshold,
                metric = FeatureGroupOptions.MetricName(group.Options.Metric),
                results = results.Select((hits, q) => new { query = q, name = names[q], hits = hits.Select(h => new { h.Id, h.Score }) }),
            });
        }).DisableAntiforgery();

        // 1:1 compare: JSON {a, b, metric, threshold, model, far} or multipart with two files + "model" (+ "metric",
        // "threshold", "far"). Without a threshold, a served model's calibrated threshold for the FAR (default 1e-3).
        api.MapPost("/compare", async (HttpRequest request, FeatureGroupHost host, CancellationToken ct) =>
        {
            FeatureGroupAccess.DemandRead(request.HttpContext.User, null);
            float[] a, b;
            string? metricName, model = null, far;
            float? threshold;
            if (request.HasFormContentType)
            {
                (model, var images) = await ReadImagesAsync(request, ct).ConfigureAwait(false);
                if (images.Count != 2) throw new SeerException(ErrorCodes.InvalidInput, $"compare needs exactly two images (got {images.Count})");
                var form = await request.ReadFormAsync(ct).ConfigureAwait(false);
                var vectors = host.Embed(model, images);
                (a, b) = (vectors[0], vectors[1]);
                metricName = form["metric"].FirstOrDefault();
                threshold = FormNumber(form, "threshold", float.Parse);
                far = form["far"].FirstOrDefault();
            }
            else
            {
                var body = await ReadJsonAsync<CompareRequest>(request, ct).ConfigureAwait(false);
                a = body.A ?? throw new SeerException(ErrorCodes.InvalidInput, "send {\"a\": [...], \"b\": [...]}: \"a\" is missing");
                b = body.B ?? throw new SeerException(ErrorCodes.InvalidInput, "send {\"a\": [...], \"b\": [...]}: \"b\" is missing");
                metricName = body.Metric;
                threshold = body.Threshold;
                model = body.Model;
                far = body.Far;
            }
            // No threshold given: the model's calibrated one for the FAR (default 1e-3), when it has one.
            string source = threshold is null ? "none" : "request";
            if (threshold is null && model is not null)
            {
                threshold = host.CalibratedThreshold(model, far ?? "1e-3");
                if (threshold is null && far is not null)
                    throw new SeerException(ErrorCodes.InvalidInput, $"model '{model}' has no calibrated threshold for FAR {far}; send \"threshold\"");
                if (threshold is not null) source = "model";
            }
            var metric = metricName is null ? DistanceMetric.Cosine : FeatureGroupOptions.ParseMetric(metricName);
            float score = FeatureComparer.Score(a, b, metric);
            return Results.Ok(new
            {
                metric = FeatureGroupOptions.MetricName(metric),
                score,
                threshold,
                threshold_source = source,
                far = source == "model" ? far ?? "1e-3" : null,
                same = threshold is { } t ? FeatureComparer.Accepts(score, t, metric) : (bool?)null,
            });
        }).WithTags("search").DisableAntiforgery();
    }

    /// <summary>
    /// Saves the uploaded vector (and id) file under the workspace's uploads folder, keeping the client's file names so
    /// errors name them, adds it with <see cref="FeatureGroup.AddFile"/> (all or nothing) and deletes the upload.
    /// </summary>
    private static async Task<int> AddVectorFileAsync(FeatureGroup group, IFormCollection form, PathPolicy paths, bool upsert, CancellationToken ct)
    {
        string folder = Path.Combine(paths.Uploads, "vectors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            async Task<string?> SaveAsync(string field, string fallback)
            {
                if (form.Files.GetFile(field) is not { } file) return null;
                string name = Path.GetFileName(file.FileName);
                string path = Path.Combine(folder, string.IsNullOrWhiteSpace(name) || name is "." or ".." ? fallback : name);
                if (File.Exists(path)) path = Path.Combine(folder, fallback);
                await using var output = File.Create(path);
                await file.CopyToAsync(output, ct).ConfigureAwait(false);
                return path;
            }
            string vectors = (await SaveAsync("vectors", "vectors.npy").ConfigureAwait(false))!;
            string? ids = await SaveAsync("ids", "ids.txt").ConfigureAwait(false);
            bool replace = upsert || string.Equals(form["upsert"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
            return group.AddFile(vectors, ids, replace);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static object Json(FeatureGroupInfo info) => new
    {
        name = info.Name,
        dim = info.Options.Dimension,
        metric = FeatureGroupOptions.MetricName(info.Options.Metric),
        index = info.Options.Index == IndexKind.Hnsw ? "hnsw" : "exact",
        m = info.Options.M,
        ef_construction = info.Options.EfConstruction,
        ef_search = info.Options.EfSearch,
        items = info.Items,
    };

    private static async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
            throw new SeerException(ErrorCodes.InvalidInput, "send JSON (Content-Type: application/json) or multipart/form-data with images and a \"model\" field");
        try
        {
            return await request.ReadFromJsonAsync<T>(ct).ConfigureAwait(false)
                ?? throw new SeerException(ErrorCodes.InvalidInput, "the request body is empty");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"the request body is not valid JSON for this route: {ex.Message}", null, ex);
        }
    }

    private static async Task<(string Model, List<EncodedImage> Images)> ReadImagesAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct).ConfigureAwait(false);
        string model = form["model"].FirstOrDefault()
            ?? throw new SeerException(ErrorCodes.InvalidInput, "images need a \"model\" form field naming a served embed model");
        if (form.Files.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, "the form holds no image files");
        var images = new List<EncodedImage>(form.Files.Count);
        foreach (var file in form.Files)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct).ConfigureAwait(false);
            images.Add(new EncodedImage(file.FileName, buffer.ToArray()));
        }
        return (model, images);
    }

    private static T? FormNumber<T>(IFormCollection form, string field, Func<string, IFormatProvider, T> parse) where T : struct
    {
        string? text = form[field].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return parse(text, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"form field \"{field}\" is not a number ('{text}')");
        }
    }
}
