using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Seer.Hosting.Jobs;

namespace Seer.Server.Api;

/// <summary>
/// <c>GET /api/workers</c>: where jobs run, as [{"name", "state", "cpu", "gpus", "jobs"}]: the in-process runner in
/// the embedded default, the cluster's workers (with their membership state) when the server joined one.
/// </summary>
public static class WorkerEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/workers", (IWorkerDirectory workers) => workers.List()).WithTags("jobs");
    }
}
