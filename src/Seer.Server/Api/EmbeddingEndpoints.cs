using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Browse;
using Seer.Hosting.Access;
using Seer.Hosting.Search;

namespace Seer.Server.Api;

/// <summary>
/// A version's feature vectors (stored by the fields job, <see cref="VersionEmbeddings"/>): which models have them,
/// "more like this" (the nearest images to one image) and the 2-D map (PCA, coloured by each image's label). Glue only.
/// </summary>
public static class EmbeddingEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var ds = api.MapGroup("/datasets").WithTags("datasets");
        ds.MapGet("/{reference}/embeddings", (string reference, Workspace ws, ImageBrowser browser, VersionEmbeddings embeddings, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            var info = ws.Resolve(DatasetRef.Parse(reference));
            var models = browser.FieldRuns(new DatasetRef(info.Dataset, info.Version)).Select(r => r.Model).OfType<string>()
                .Distinct(StringComparer.Ordinal).Where(m => embeddings.Has(info.Version, m)).Order(StringComparer.Ordinal).ToList();
            return Results.Ok(new { dataset = info.Dataset, version = info.Version, models });
        });
        ds.MapGet("/{reference}/images/{index:int}/similar", (string reference, int index, string model, int? k,
            Workspace ws, ImageBrowser browser, VersionEmbeddings embeddings, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            var info = ws.Resolve(DatasetRef.Parse(reference));
            var at = new DatasetRef(info.Dataset, info.Version);
            var hits = embeddings.Similar(info.Dataset, info.Version, model, index, k ?? 12);
            var rows = hits.Select(hit =>
            {
                var row = BrowseEndpoints.Row(browser.Query(at, new ImageQuery { Offset = hit.Index, Limit = 1 }).Images[0]);
                row["score"] = hit.Score;
                return row;
            }).ToList();
            return Results.Ok(new { dataset = info.Dataset, version = info.Version, model, index, images = rows });
        });
        ds.MapGet("/{reference}/map", (string reference, string model, Workspace ws, ImageBrowser browser, VersionEmbeddings embeddings, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            var info = ws.Resolve(DatasetRef.Parse(reference));
            var (indices, map, total) = embeddings.Map(info.Dataset, info.Version, model);
            var labels = browser.PrimaryLabels(new DatasetRef(info.Dataset, info.Version));
            return Results.Ok(new
            {
                dataset = info.Dataset, version = info.Version, model,
                method = "pca", explained_variance = map.ExplainedVariance, total, sampled = indices.Length < total,
                classes = ws.Metadata.ReadClasses(info.Version),
                points = indices.Select((index, i) => new { index, x = map.X[i], y = map.Y[i], label = index < labels.Length ? labels[index] : null }),
            });
        });
    }
}
