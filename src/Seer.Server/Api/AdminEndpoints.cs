using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seer.Hosting;
using Seer.Hosting.Accounts;
using Seer.Server.Auth;

namespace Seer.Server.Api;

/// <summary>Users, tokens and settings. Listing/creating users and settings are admin-only; anyone may create a token for themselves.</summary>
public static class AdminEndpoints
{
    public sealed record NewUser(string Name, string Role, string Password);

    public sealed record NewToken(string? User);

    public sealed record RoleChange(string Role);

    public sealed record SettingValue(string Value);

    public static void Map(RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("accounts");
        users.MapGet("", (AccountStore accounts) => accounts.ListUsers().Select(u => new { u.Name, role = u.RoleName, u.CreatedAt }))
            .RequireAuthorization(SeerAuth.AdminPolicy);
        users.MapPost("", (NewUser body, AccountStore accounts) =>
        {
            var u = accounts.AddUser(body.Name, AccountStore.ParseRole(body.Role), body.Password);
            return Results.Created($"/api/users/{u.Name}", new { u.Name, role = u.RoleName, u.CreatedAt });
        }).RequireAuthorization(SeerAuth.AdminPolicy);
        users.MapPut("/{name}/role", (string name, RoleChange body, AccountStore accounts) =>
        {
            var u = accounts.SetRole(name, AccountStore.ParseRole(body.Role));
            return Results.Ok(new { u.Name, role = u.RoleName, u.CreatedAt });
        }).RequireAuthorization(SeerAuth.AdminPolicy);

        api.MapPost("/tokens", (NewToken body, HttpContext http, AccountStore accounts) =>
        {
            string me = http.User.UserName();
            string user = string.IsNullOrEmpty(body.User) ? me : body.User;
            if (user != me && !http.User.IsInRole("admin"))
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "forbidden", detail: "only admins create tokens for other users");
            return Results.Ok(new { user, token = accounts.CreateToken(user) });
        }).WithTags("accounts");

        var settings = api.MapGroup("/settings").WithTags("admin").RequireAuthorization(SeerAuth.AdminPolicy);
        settings.MapGet("", (SettingsStore store) => store.ReadAll());
        settings.MapPut("/{key}", (string key, SettingValue body, HttpContext http, SettingsStore store) =>
        {
            // Validated before it is stored; PathPolicy reads it on every check, so it takes effect at once.
            if (key == PathPolicy.SettingKey) PathPolicy.ParseSetting(body.Value);
            store.Set(key, body.Value, http.User.UserName());
            return Results.Ok(store.ReadAll());
        });
    }
}
