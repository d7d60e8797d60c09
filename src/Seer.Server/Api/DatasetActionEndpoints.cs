using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Operations;
using Seer.Formats;
using Seer.Hosting.Access;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>
/// The `seer dataset` operations from the web UI, with the CLI's options and its report: merge, filter, sample, split,
/// dedup, relabel, select (images by index, e.g. a lasso on the map) (each a Seer.Data <see cref="DatasetOperations"/> call, answered when the versions are committed), and
/// export as a .zip download. Import and export-to-a-server-folder stay jobs (/api/datasets/import, /{ref}/export).
/// Rights as for jobs (Seer.Hosting.Access): the caller must see every source, and change every existing target; targets
/// the operation creates are claimed for the caller (private until shared). All is checked before anything is written.
/// </summary>
public static class DatasetActionEndpoints
{
    public sealed record MergeRequest(IReadOnlyList<string> Sources, string? Target, string? OnConflict);

    public sealed record FilterRequest(IReadOnlyList<string>? Labels, string? State, IReadOnlyList<string>? Exclude, string? Target);

    public sealed record SampleRequest(int? Count, double? Fraction, bool? Stratified, int? Seed, string? Target);

    public sealed record SplitRequest(IReadOnlyList<double>? Ratios, int? Seed, string? Prefix);

    public sealed record DedupRequest(bool? Near, int? Threshold, string? Target);

    public sealed record RelabelRequest(IReadOnlyDictionary<string, string> Map, string? Target);

    public sealed record SelectRequest(IReadOnlyList<int>? Indices, string? Target);

    public static void Map(RouteGroupBuilder api)
    {
        var ds = api.MapGroup("/datasets").WithTags("dataset operations");
        ds.MapPost("/merge", (MergeRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            if (body.Sources is not { Count: >= 2 }) throw new SeerException(ErrorCodes.InvalidInput, "merge needs at least two sources", "sources");
            var strategy = (body.OnConflict ?? "fail") switch
            {
                "fail" => MergeConflictStrategy.Fail,
                "first" => MergeConflictStrategy.First,
                "last" => MergeConflictStrategy.Last,
                "union" => MergeConflictStrategy.Union,
                var s => throw new SeerException(ErrorCodes.InvalidInput, $"on_conflict '{s}' is not one of: fail, first, last, union", "on_conflict"),
            };
            var sources = body.Sources.Select(DatasetRef.Parse).ToList();
            string target = Empty(body.Target) ?? sources[0].Name;
            return Guarded(http, access, ws, sources, [target], () => Report("merge", new DatasetOperations(ws).Merge(sources, Empty(body.Target), strategy)));
        });
        ds.MapPost("/{reference}/filter", (string reference, FilterRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            var state = (body.State ?? "any") switch
            {
                "any" => LabelledState.Any,
                "labelled" => LabelledState.Labelled,
                "unlabelled" => LabelledState.Unlabelled,
                var s => throw new SeerException(ErrorCodes.InvalidInput, $"state '{s}' is not one of: any, labelled, unlabelled", "state"),
            };
            var labels = body.Labels?.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
            var source = DatasetRef.Parse(reference);
            var exclude = body.Exclude?.Where(e => !string.IsNullOrWhiteSpace(e)).Select(DatasetRef.Parse).ToList();
            return Guarded(http, access, ws, [source, .. exclude ?? []], [Empty(body.Target) ?? source.Name], () =>
                Report("filter", new DatasetOperations(ws).Filter(source, labels is { Count: > 0 } ? labels : null, state, exclude, Empty(body.Target))));
        });
        ds.MapPost("/{reference}/sample", (string reference, SampleRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            var source = DatasetRef.Parse(reference);
            return Guarded(http, access, ws, [source], [Empty(body.Target) ?? source.Name], () =>
                Report("sample", new DatasetOperations(ws).Sample(source, body.Count, body.Fraction, body.Stratified ?? false, body.Seed ?? 0, Empty(body.Target))));
        });
        ds.MapPost("/{reference}/split", (string reference, SplitRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            var ratios = body.Ratios is { Count: > 0 } r ? r.ToList() : [0.8, 0.1, 0.1];
            if (ratios.Count == 2) ratios.Add(0);
            var source = DatasetRef.Parse(reference);
            string stem = Empty(body.Prefix) ?? source.Name;
            var targets = DatasetOperations.SplitParts.Where((_, i) => i < ratios.Count && ratios[i] > 0).Select(part => $"{stem}-{part}").ToList();
            return Guarded(http, access, ws, [source], targets, () => Report("split", new DatasetOperations(ws).Split(source, ratios, body.Seed ?? 0, Empty(body.Prefix))));
        });
        ds.MapPost("/{reference}/dedup", (string reference, DedupRequest body, Workspace ws, HttpContext http, ResourceAccess access, CancellationToken ct) =>
        {
            var ops = new DatasetOperations(ws);
            var source = DatasetRef.Parse(reference);
            return Guarded(http, access, ws, [source], [Empty(body.Target) ?? source.Name], () => Report("dedup", body.Near == true
                ? ops.DedupNear(source, body.Threshold ?? 6, Empty(body.Target), ct)
                : ops.DedupExact(source, Empty(body.Target))));
        });
        ds.MapPost("/{reference}/relabel", (string reference, RelabelRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            if (body.Map is not { Count: > 0 }) throw new SeerException(ErrorCodes.InvalidInput, "relabel needs a map of OLD → NEW labels", "map");
            var source = DatasetRef.Parse(reference);
            return Guarded(http, access, ws, [source], [Empty(body.Target) ?? source.Name], () =>
                Report("relabel", new DatasetOperations(ws).Relabel(source, body.Map, Empty(body.Target))));
        });

        ds.MapPost("/{reference}/select", (string reference, SelectRequest body, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            var source = DatasetRef.Parse(reference);
            return Guarded(http, access, ws, [source], [Empty(body.Target) ?? source.Name], () =>
                Report("select", new DatasetOperations(ws).Select(source, body.Indices ?? [], Empty(body.Target))));
        });

        // Export as a download: written by the format's exporter into a temporary folder, zipped, streamed, deleted.
        ds.MapGet("/{reference}/export.zip", (string reference, string format, Workspace ws, HttpContext http, ResourceAccess access) =>
        {
            DatasetEndpoints.Demand(reference, ws, http, access);
            var exporter = FormatRegistry.GetExporter(format);
            var snapshot = ws.OpenSnapshot(DatasetRef.Parse(reference));
            string temp = Path.Combine(Path.GetTempPath(), "seer-export-" + Guid.NewGuid().ToString("N"));
            string folder = Path.Combine(temp, "out");
            string zip = Path.Combine(temp, "export.zip");
            try
            {
                var report = exporter.Write(snapshot, folder);
                ZipFile.CreateFromDirectory(folder, zip, CompressionLevel.Fastest, includeBaseDirectory: false);
                http.Response.Headers["X-Seer-Images"] = report.Images.ToString(System.Globalization.CultureInfo.InvariantCulture);
                http.Response.Headers["X-Seer-Lost"] = report.Lost.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var stream = new FileStream(zip, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.DeleteOnClose);
                Directory.Delete(folder, recursive: true);
                http.Response.RegisterForDispose(new TempFolder(temp));
                return Results.File(stream, "application/zip", $"{snapshot.Name}-{snapshot.Version[..10]}-{format}.zip");
            }
            catch
            {
                if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
                throw;
            }
        });
    }

    internal static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>
    /// Runs an operation when the caller may: sees every source, may change every existing target (a target that does
    /// not exist yet must not be someone else's claim); then claims the targets it created for the caller.
    /// </summary>
    internal static IResult Guarded(HttpContext http, ResourceAccess access, Workspace ws, IReadOnlyList<DatasetRef> sources,
        IReadOnlyList<string> targets, Func<IResult> run)
    {
        var caller = http.User.Caller();
        foreach (var s in sources) access.DemandDataset(ws, s.Name, caller);
        var created = new List<string>();
        foreach (var t in targets.Distinct(StringComparer.Ordinal))
        {
            Workspace.ValidateDatasetName(t);
            if (ws.Metadata.FindHead(t) is not null) access.DemandChange(ResourceKinds.Dataset, t, caller);
            else if (!access.CanChange(ResourceKinds.Dataset, t, caller)) throw ResourceAccess.Hidden(ResourceKinds.Dataset, t);
            else created.Add(t);
        }
        var result = run();
        foreach (var t in created)
            if (ws.Metadata.FindHead(t) is not null) access.Claim(ResourceKinds.Dataset, t, caller.Name);
        return result;
    }

    /// <summary>The CLI's report as JSON: every version written (new or existing), the images left out with the reason, and notes.</summary>
    internal static IResult Report(string operation, OperationResult result) => Results.Ok(ReportBody(operation, result));

    /// <summary>The body of <see cref="Report"/>, for routes that add a key.</summary>
    internal static Dictionary<string, object?> ReportBody(string operation, OperationResult result) => new(StringComparer.Ordinal)
    {
        ["operation"] = operation,
        ["versions"] = result.Versions.Select(c => new
        {
            dataset = c.Version.Dataset, version = c.Version.Version, created = c.Created, images = c.Version.ImageCount, labelled = c.Version.LabelledCount,
        }).ToList(),
        ["removed"] = result.Removed.Select(i => new { file = i.File, reason = i.Reason }).ToList(),
        ["notes"] = result.Notes.Select(i => new { file = i.File, reason = i.Reason }).ToList(),
    };

    private sealed class TempFolder(string path) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the zip is deleted on close anyway.
            }
        }
    }
}
