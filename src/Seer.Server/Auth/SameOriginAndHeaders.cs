using Microsoft.AspNetCore.Http;

namespace Seer.Server.Auth;

/// <summary>
/// Two protections on every request:
/// <list type="bullet">
/// <item>Cross-site request refusal: an unsafe method (POST, PUT, PATCH, DELETE) that is not authenticated by a bearer
/// token (so a cookie, or no credentials as at login) is refused with 403 when the browser says it comes from another
/// site: an <c>Origin</c> header that is not this server's own scheme://host[:port] (or is "null"), or
/// <c>Sec-Fetch-Site</c> other than <c>same-origin</c> / <c>none</c>. Requests carrying neither header (curl, scripts)
/// are not cross-site requests made by a browser and pass. Bearer-token requests are exempt: a browser never adds
/// that header by itself.</item>
/// <item>Security headers on every response: a Content-Security-Policy that allows only this origin's scripts, styles,
/// images and connections and forbids framing (<c>frame-ancestors 'none'</c>), <c>X-Content-Type-Options: nosniff</c>,
/// <c>Referrer-Policy: no-referrer</c> and <c>X-Frame-Options: DENY</c>. The Scalar reference page (/scalar), which
/// loads its script from a CDN, gets the same headers without the script and style restrictions.</item>
/// </list>
/// </summary>
public sealed class SameOriginAndHeaders
{
    /// <summary>The policy for the UI and the API.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ReferencePolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

    private readonly RequestDelegate _next;

    public SameOriginAndHeaders(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar") ? ReferencePolicy : ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (IsUnsafe(context.Request.Method) && !HasBearer(context.Request) && CrossSite(context.Request) is { } reason)
            return SeerServer.Problem(context, StatusCodes.Status403Forbidden, "forbidden",
                $"cross-site request refused ({reason}); a browser may change data only from this server's own pages, other clients send Authorization: Bearer <token>");
        return _next(context);
    }

    private static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool HasBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the request is cross-site, or null when it is not.</summary>
    private static string? CrossSite(HttpRequest request)
    {
        string fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
            return $"Sec-Fetch-Site: {fetchSite}";
        string origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        string own = $"{request.Scheme}://{request.Host.Value}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) ? null : $"Origin {origin} is not {own}";
    }
}
