using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Hosting.Accounts;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>/api/auth: password login (sets the session cookie), logout (ends the user's sessions), password change, and who am I.</summary>
public static class AuthEndpoints
{
    public sealed record LoginRequest(string Name, string Password);

    public sealed record PasswordChange(string Current, string New);

    public static void Map(RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("auth");
        auth.MapPost("/login", async (LoginRequest body, HttpContext http, AccountStore accounts, LoginThrottle throttle) =>
        {
            string client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            // The attempt is counted before the password is checked, so parallel guesses cannot pass the limit.
            if (throttle.TryBegin(body.Name ?? "", client) is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "too_many_attempts",
                    detail: $"too many failed logins; try again in {Math.Ceiling(wait.TotalSeconds)} s");
            }
            var user = accounts.VerifyPassword(body.Name ?? "", body.Password ?? "");
            if (user is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "unauthorized", detail: "wrong user name or password");
            }
            throttle.Succeeded(body.Name ?? "", client);
            long generation = accounts.FindSession(user.Name)?.Generation ?? 0;
            await http.SignInAsync(SeerAuth.Cookie, SeerAuth.Principal(user, SeerAuth.Cookie, generation), SeerAuth.Persistent()).ConfigureAwait(false);
            return Results.Ok(new { name = user.Name, role = user.RoleName });
        }).AllowAnonymous();
        // Logout ends every session of the user (all browsers): a saved copy of the cookie no longer works.
        auth.MapPost("/logout", async (HttpContext http, AccountStore accounts) =>
        {
            accounts.EndSessions(http.User.UserName());
            await http.SignOutAsync(SeerAuth.Cookie).ConfigureAwait(false);
            return Results.NoContent();
        }).RequireAuthorization(SeerAuth.AnyUserPolicy);
        // Password change (own account): needs the current password; ends every session, signs this one in again.
        auth.MapPost("/password", async (PasswordChange body, HttpContext http, AccountStore accounts, LoginThrottle throttle) =>
        {
            string me = http.User.UserName();
            string client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (throttle.TryBegin(me, client) is { } wait)
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "too_many_attempts",
                    detail: $"too many failed attempts; try again in {Math.Ceiling(wait.TotalSeconds)} s");
            if (accounts.VerifyPassword(me, body.Current ?? "") is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "forbidden", detail: "the current password is wrong");
            }
            throttle.Succeeded(me, client);
            accounts.SetPassword(me, body.New ?? "");
            var user = accounts.FindSession(me)!.Value;
            if (http.User.Identity?.AuthenticationType == SeerAuth.Cookie)
                await http.SignInAsync(SeerAuth.Cookie, SeerAuth.Principal(user.User, SeerAuth.Cookie, user.Generation), SeerAuth.Persistent()).ConfigureAwait(false);
            return Results.NoContent();
        }).RequireAuthorization(SeerAuth.AnyUserPolicy);
        auth.MapGet("/me", (HttpContext http, AccountStore accounts) =>
        {
            var user = accounts.Find(http.User.UserName());
            return user is null ? Results.Unauthorized() : Results.Ok(new { name = user.Name, role = user.RoleName });
        }).RequireAuthorization(SeerAuth.AnyUserPolicy);
    }
}
