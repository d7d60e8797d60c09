using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Operations;
using Seer.Hosting.Access;

namespace Seer.Server.Api;

/// <summary>
/// Cluster review in the web UI (the seed-000 loop: cluster → review → train embed → re-cluster): list the
/// <c>cluster-NNNN</c> clusters of a version with size, cohesion and members, then merge, split or drop clusters, each
/// committing a new version through Seer.Data's <see cref="DatasetOperations"/>. Rights as for the other dataset
/// operations: reading needs to see the dataset, a change to see the source and change the target.
/// </summary>
public static class ClusterReviewEndpoints
{
    /// <summary>Members shown per cluster in the list (a strip of thumbnails); GET …/clusters/{cluster} gives all.</summary>
    public const int StripLength = 12;

    public sealed record MergeRequest(IReadOnlyList<string>? Clusters, string? Target);

    public sealed record SplitRequest(IReadOnlyList<int>? Indices, string? To, string? Target);

    public sealed record DropRequest(string? Target);

    public static void Map(RouteGroupBuilder api)
    {
        var ds = api.MapGroup("/datasets").WithTags("cluster review");
        ds.MapGet("/{reference}/clusters", (string reference, int? strip, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            int shown = strip ?? StripLength;
            if (shown is < 0 or > 1000) throw new SeerException(ErrorCodes.InvalidInput, $"strip {shown} is outside 0..1000", "strip");
            var snap = ws.OpenSnapshot(DatasetRef.Parse(reference));
            var clusters = new DatasetOperations(ws).Clusters(snap);
            int clustered = clusters.Sum(c => c.Size);
            return Results.Ok(new
            {
                dataset = snap.Name, version = snap.Version, images = snap.Images.Count, clustered,
                unclustered = snap.Images.Count - clustered,
                clusters = clusters.Select(c => Summary(snap, c, shown)),
            });
        });
        ds.MapGet("/{reference}/clusters/{cluster}", (string reference, string cluster, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            var snap = ws.OpenSnapshot(DatasetRef.Parse(reference));
            var clusters = new DatasetOperations(ws).Clusters(snap);
            var c = clusters.FirstOrDefault(c => c.Cluster == cluster)
                ?? throw new SeerException(ErrorCodes.NotFound, $"cluster '{cluster}' is not in {snap.Name}@{snap.Version[..10]}", cluster);
            return Results.Ok(new { dataset = snap.Name, version = snap.Version, cluster = Summary(snap, c, int.MaxValue) });
        });
        ds.MapPost("/{reference}/clusters/merge", (string reference, MergeRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            var source = DatasetRef.Parse(reference);
            return DatasetActionEndpoints.Guarded(http, access, ws, [source], [DatasetActionEndpoints.Empty(body.Target) ?? source.Name], () =>
                DatasetActionEndpoints.Report("merge-clusters", new DatasetOperations(ws).MergeClusters(source, body.Clusters ?? [], DatasetActionEndpoints.Empty(body.Target))));
        });
        ds.MapPost("/{reference}/clusters/{cluster}/split", (string reference, string cluster, SplitRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            bool toUnlabelled = (body.To ?? "new") switch
            {
                "new" => false,
                "unlabelled" => true,
                var t => throw new SeerException(ErrorCodes.InvalidInput, $"to '{t}' is not one of: new, unlabelled", "to"),
            };
            var source = DatasetRef.Parse(reference);
            return DatasetActionEndpoints.Guarded(http, access, ws, [source], [DatasetActionEndpoints.Empty(body.Target) ?? source.Name], () =>
            {
                var (result, created) = new DatasetOperations(ws).SplitCluster(source, cluster, body.Indices ?? [], toUnlabelled, DatasetActionEndpoints.Empty(body.Target));
                var report = DatasetActionEndpoints.ReportBody("split-cluster", result);
                report["cluster"] = created;
                return Results.Ok(report);
            });
        });
        ds.MapPost("/{reference}/clusters/{cluster}/drop", (string reference, string cluster, DropRequest? body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            var source = DatasetRef.Parse(reference);
            string? target = DatasetActionEndpoints.Empty(body?.Target);
            return DatasetActionEndpoints.Guarded(http, access, ws, [source], [target ?? source.Name], () =>
                DatasetActionEndpoints.Report("drop-cluster", new DatasetOperations(ws).DropCluster(source, cluster, target)));
        });
    }

    private static object Summary(DatasetSnapshot snap, ClusterSummary c, int shown) => new
    {
        cluster = c.Cluster,
        size = c.Size,
        cohesion = c.Cohesion,
        members = c.Members.Take(shown).Select(i => new { index = i, hash = snap.Images[i].ContentHash, file_name = snap.Images[i].FileName }),
    };
}
