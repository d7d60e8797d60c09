using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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

    public static ClaimsPrincipal Principal(UserInfo user, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.RoleName)], scheme));

    public static string UserName(this ClaimsPrincipal principal) => principal.Identity?.Name ?? "anonymous";

    public static AuthenticationProperties Persistent() => new() { IsPersistent = true };
}
