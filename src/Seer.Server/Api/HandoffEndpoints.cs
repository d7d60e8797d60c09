using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.ActiveLearning.Iterations;
using Seer.ActiveLearning.Projects;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Hosting;
using Seer.Hosting.Access;
using Seer.Hosting.Jobs;
using Seer.Hosting.Projects;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>
/// /api/projects/{name}/iterations/{round}/handoff: a round waiting on a CVAT / Label Studio hand-off. GET downloads
/// its package (a zip of the task folder the label step wrote); POST (multipart, field <c>file</c>: the finished
/// export as a .zip, CVAT XML or Label Studio JSON) imports the labels into the round's <c>PROJECT-labels-rN</c>
/// (<see cref="HandoffRound"/>) and queues the iteration job that continues the round. Same access as the project.
/// </summary>
public static class HandoffEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var handoff = api.MapGroup("/projects/{name}/iterations/{round:int}/handoff").WithTags("projects");
        handoff.MapGet("", (string name, int round, HttpContext http, ProjectStore store) =>
        {
            var found = HandoffRound.Find(store, Allowed(name, http, store), round);
            // written to a temporary file first (the response body takes no synchronous writes), deleted when sent
            var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            try
            {
                found.WritePackage(file);
                file.Position = 0;
            }
            catch
            {
                file.Dispose();
                throw;
            }
            return Results.Stream(file, "application/zip", found.PackageName);
        });
        handoff.MapPost("", async (string name, int round, HttpRequest request, HttpContext http, ProjectStore store, Workspace ws, JobService jobs,
            PathPolicy paths, ResourceAccess access, CancellationToken ct) =>
        {
            var found = HandoffRound.Find(store, Allowed(name, http, store), round);
            if (!request.HasFormContentType)
                throw new SeerException(ErrorCodes.InvalidInput, "send the finished export as multipart form data (a field named 'file')");
            var form = await request.ReadFormAsync(ct).ConfigureAwait(false);
            var upload = form.Files.GetFile("file") ?? form.Files.FirstOrDefault()
                ?? throw new SeerException(ErrorCodes.InvalidInput, "the form holds no file; send the export (.zip, .xml or .json) in a field named 'file'");
            string uploadName = Path.GetFileName(upload.FileName);
            Directory.CreateDirectory(paths.Uploads);
            string saved = Path.Combine(paths.Uploads, $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}{Path.GetExtension(uploadName).ToLowerInvariant()}");
            try
            {
                await using (var output = File.Create(saved))
                    await upload.CopyToAsync(output, ct).ConfigureAwait(false);
                var result = await found.ImportAsync(ws, saved, uploadName, null, ct).ConfigureAwait(false);
                // the round's labels belong to the project's owner, like the round's other outputs (shared for a shared project)
                access.Claim(ResourceKinds.Dataset, result.Dataset, found.Project.Owner ?? http.User.UserName(), shared: found.Project.Owner is null);
                var job = jobs.Submit("iteration", JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["project"] = found.Project.Name, ["round"] = round }),
                    http.User.UserName());
                return Results.Ok(new JsonObject
                {
                    ["project"] = found.Project.Name, ["round"] = round, ["tool"] = found.Tool,
                    ["dataset"] = result.Dataset, ["version"] = result.Version, ["created"] = result.Created, ["images"] = result.Images,
                    ["labelled"] = result.Labelled, ["objects"] = result.Objects, ["rejected"] = result.Rejected.Count, ["warnings"] = result.Warnings.Count,
                    ["new_labels"] = new JsonArray(result.NewLabels.Select(l => (JsonNode?)l).ToArray()),
                    ["iteration_job"] = job.Id,
                });
            }
            finally
            {
                File.Delete(saved);
            }
        }).DisableAntiforgery();
    }

    private static Project Allowed(string name, HttpContext http, ProjectStore store)
    {
        var project = store.Get(name);
        ProjectAccess.Demand(project, http.User.UserName(), http.User.IsInRole("admin"));
        return project;
    }
}
