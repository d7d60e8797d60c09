using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Seer.Hosting.Access;
using Seer.Hosting.Accounts;

namespace Seer.Server.Auth;

/// <summary>Scheme and policy names, and the claims a Seer principal carries.</summary>
public static class SeerAuth
{
    public const string Bearer = "SeerBearer";
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Either = "SeerCookieOrBearer";
    public const string AdminPolicy = "admin";

    /// <summary>Any signed-in user, labellers included (the fallback policy admits members and admins only).</summary>
    public const string AnyUserPolicy = "any-user";

    public static ClaimsPrincipal Principal(UserInfo user, string scheme, long? sessionGeneration = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user.Name), new(ClaimTypes.Role, user.RoleName) };
        if (sessionGeneration is { } g)
            claims.Add(new Claim(SessionValidation.GenerationClaim, g.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static string UserName(this ClaimsPrincipal principal) => principal.Identity?.Name ?? "anonymous";

    /// <summary>The caller for ownership checks (the role is the workspace's current one: cookies and tokens are checked per request).</summary>
    public static Caller Caller(this ClaimsPrincipal principal) => new(principal.UserName(), principal.IsInRole("admin"));

    public static AuthenticationProperties Persistent() => new() { IsPersistent = true };
}
