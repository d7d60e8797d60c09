using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Core.Errors;
using Seer.Hosting.Accounts;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>
/// Listing and revoking API tokens for the admin pages (creation is POST /api/tokens): a member sees and revokes
/// their own tokens, an admin everyone's (GET /api/tokens?user=NAME narrows the list).
/// </summary>
public static class TokenEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("accounts");
        tokens.MapGet("", (string? user, HttpContext http, AccountStore accounts) =>
        {
            string me = http.User.UserName();
            bool admin = http.User.IsInRole("admin");
            if (!admin && user is not null && user != me)
                throw new SeerException(ErrorCodes.Forbidden, "only admins list other users' tokens", user);
            return accounts.ListTokens(admin ? user : me)
                .Select(t => new { id = t.Id, user = t.User, created_at = t.CreatedAt, last_used_at = t.LastUsedAt, revoked = t.Revoked });
        });
        tokens.MapDelete("/{id}", (string id, HttpContext http, AccountStore accounts) =>
        {
            string owner = accounts.TokenOwner(id) ?? throw new SeerException(ErrorCodes.NotFound, $"token {id} does not exist", id);
            if (owner != http.User.UserName() && !http.User.IsInRole("admin"))
                throw new SeerException(ErrorCodes.Forbidden, "only admins revoke other users' tokens", id);
            accounts.RevokeToken(id);
            return Results.NoContent();
        });
    }
}
