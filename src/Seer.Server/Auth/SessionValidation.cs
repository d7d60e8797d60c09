using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Seer.Hosting.Accounts;

namespace Seer.Server.Auth;

/// <summary>
/// Checks a session cookie against the workspace's account store on every request: the user must exist here, the
/// cookie's session generation must equal the user's current one (logout and password change bump it), and the role
/// is the one stored now, not the one in the cookie. Anything else is refused (the request is anonymous → 401).
/// </summary>
public static class SessionValidation
{
    /// <summary>The claim holding the session generation the cookie was issued under.</summary>
    public const string GenerationClaim = "seer:session";

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
        string? name = context.Principal?.Identity?.Name;
        string? generation = context.Principal?.FindFirst(GenerationClaim)?.Value;
        var current = name is null ? null : accounts.FindSession(name);
        if (current is not { } found || generation != found.Generation.ToString(CultureInfo.InvariantCulture))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SeerAuth.Cookie).ConfigureAwait(false);
            return;
        }
        if (!context.Principal!.IsInRole(found.User.RoleName))
        {
            context.ReplacePrincipal(SeerAuth.Principal(found.User, SeerAuth.Cookie, found.Generation));
            context.ShouldRenew = true;
        }
    }
}
