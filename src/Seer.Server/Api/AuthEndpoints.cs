using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Hosting.Accounts;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>/api/auth: password login (sets the session cookie), logout, and who am I.</summary>
public static class AuthEndpoints
{
    public sealed record LoginRequest(string Name, string Password);

    public static void Map(RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("auth");
        auth.MapPost("/login", async (LoginRequest body, HttpContext http, AccountStore accounts, LoginThrottle throttle) =>
        {
            string client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.RetryAfter(body.Name ?? "", client) is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "too_many_attempts",
                    detail: $"too many failed logins; try again in {Math.Ceiling(wait.TotalSeconds)} s");
            }
            var user = accounts.VerifyPassword(body.Name ?? "", body.Password ?? "");
            if (user is null)
            {
                throttle.Failed(body.Name ?? "", client);
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "unauthorized", detail: "wrong user name or password");
            }
            throttle.Succeeded(user.Name);
            await http.SignInAsync(SeerAuth.Cookie, SeerAuth.Principal(user, SeerAuth.Cookie), SeerAuth.Persistent()).ConfigureAwait(false);
            return Results.Ok(new { name = user.Name, role = user.RoleName });
        }).AllowAnonymous();
        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(SeerAuth.Cookie).ConfigureAwait(false);
            return Results.NoContent();
        }).RequireAuthorization(SeerAuth.AnyUserPolicy);
        auth.MapGet("/me", (HttpContext http, AccountStore accounts) =>
        {
            var user = accounts.Find(http.User.UserName());
            return user is null ? Results.Unauthorized() : Results.Ok(new { name = user.Name, role = user.RoleName });
        }).RequireAuthorization(SeerAuth.AnyUserPolicy);
    }
}
