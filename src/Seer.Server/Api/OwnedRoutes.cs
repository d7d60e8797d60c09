using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Seer.Hosting.Access;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>
/// Owner and visibility (<see cref="ResourceAccess"/>: private to its creator until shared, admins see all) on a route
/// group whose routes name one thing by a route value, e.g. /api/groups/{g}… and /api/streams/{id}…. Every route of
/// the group that carries the value is checked before it runs, including routes added later: reading routes demand that
/// the caller may see the thing (else 404, as for a thing that does not exist), the others that they may change it
/// (403 for a shared thing they do not own). Deleting the thing forgets its owner. Adds POST …/{value}/share
/// ({"shared": false} makes it private again). The list and create routes call <see cref="Visible{T}"/> and
/// <see cref="Claim"/>.
/// </summary>
public static class OwnedRoutes
{
    /// <param name="group">the route group (e.g. /groups)</param>
    /// <param name="kind">a <see cref="ResourceKinds"/> name</param>
    /// <param name="routeValue">the route value naming the thing (e.g. "g")</param>
    /// <param name="reads">whether a request only reads (GET, and POST routes such as a search)</param>
    /// <param name="demandExists">throws not-found when the named thing does not exist</param>
    public static RouteGroupBuilder Owned(this RouteGroupBuilder group, string kind, string routeValue, Func<HttpRequest, bool> reads,
        Action<IServiceProvider, string> demandExists)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.RouteValues.TryGetValue(routeValue, out var value) && value is string name)
            {
                var access = http.RequestServices.GetRequiredService<ResourceAccess>();
                var caller = http.User.Caller();
                if (reads(http.Request)) access.DemandSee(kind, name, caller);
                else access.DemandChange(kind, name, caller);
                var result = await next(context).ConfigureAwait(false);
                // DELETE of the thing itself (its only route value), not of something inside it: its owner record goes too.
                if (HttpMethods.IsDelete(http.Request.Method) && http.Request.RouteValues.Count == 1) access.Forget(kind, name);
                return result;
            }
            return await next(context).ConfigureAwait(false);
        });
        group.MapPost($"/{{{routeValue}}}/share", (HttpContext http, DatasetEndpoints.ShareRequest? body, ResourceAccess access) =>
        {
            string name = (string)http.Request.RouteValues[routeValue]!;
            demandExists(http.RequestServices, name);
            var o = access.Share(kind, name, http.User.Caller(), body?.Shared ?? true);
            return Results.Ok(new { kind, name, owner = o.Owner, shared = o.Shared });
        });
        return group;
    }

    /// <summary>The things among <paramref name="items"/> the caller may see.</summary>
    public static IEnumerable<T> Visible<T>(HttpContext http, string kind, IEnumerable<T> items, Func<T, string> name)
    {
        ArgumentNullException.ThrowIfNull(http);
        var access = http.RequestServices.GetRequiredService<ResourceAccess>();
        var caller = http.User.Caller();
        return items.Where(i => access.CanSee(kind, name(i), caller)).ToList();
    }

    /// <summary>Records the caller as the owner of a thing they just created through the API (private until shared).</summary>
    public static void Claim(HttpContext http, string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.RequestServices.GetRequiredService<ResourceAccess>().Claim(kind, name, http.User.UserName());
    }
}
