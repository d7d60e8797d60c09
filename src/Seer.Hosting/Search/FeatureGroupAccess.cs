using System.Security.Claims;
using Seer.Core.Errors;

namespace Seer.Hosting.Search;

/// <summary>
/// Who may do what with feature groups — the one place the search API asks. Reading (list, search, compare) needs a
/// signed-in user of any role; writing items and creating groups needs the member or admin role (a read-only role gets
/// a forbidden error); deleting a whole group needs an admin. Per-group ownership (private to its creator until shared,
/// admins see all) is the owner/visibility layer's (<see cref="Access.ResourceAccess"/>, kind feature_group), applied
/// to every /api/groups/{g} route.
/// </summary>
public static class FeatureGroupAccess
{
    public const string AdminRole = "admin";
    public const string MemberRole = "member";

    public static bool CanRead(ClaimsPrincipal user, string? group) =>
        user.Identity?.IsAuthenticated == true;

    public static bool CanWrite(ClaimsPrincipal user, string group) =>
        user.IsInRole(MemberRole) || user.IsInRole(AdminRole);

    public static bool CanDelete(ClaimsPrincipal user, string group) => user.IsInRole(AdminRole);

    public static void DemandRead(ClaimsPrincipal user, string? group)
    {
        if (!CanRead(user, group))
            throw new SeerException(ErrorCodes.Unauthorized, "sign in to read feature groups", group);
    }

    public static void DemandWrite(ClaimsPrincipal user, string group)
    {
        if (!CanWrite(user, group))
            throw new SeerException(ErrorCodes.Forbidden,
                $"user '{user.Identity?.Name}' may read feature group '{group}' but not change it; this needs the member or admin role", group);
    }

    public static void DemandDelete(ClaimsPrincipal user, string group)
    {
        if (!CanDelete(user, group))
            throw new SeerException(ErrorCodes.Forbidden, $"deleting feature group '{group}' needs the admin role", group);
    }
}
