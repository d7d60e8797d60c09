using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Seer.Hosting.Accounts;
using Seer.Server.Auth;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>Session cookies are bound to the workspace, checked against its account store on every request, and end on logout.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task A_cookie_minted_by_a_server_on_another_workspace_is_refused()
    {
        await using var demo = await ServerHost.StartAsync();
        await using var production = await ServerHost.StartAsync();
        string cookie = await LoginAsync(demo, "admin", ServerHost.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(demo, cookie).GetAsync("/api/users")).StatusCode);

        // Both workspaces have a user "admin", but production's key ring cannot read demo's cookie.
        var foreign = WithCookie(production, cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await foreign.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await foreign.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_key_ring_lives_in_the_workspace_with_private_modes()
    {
        await using var host = await ServerHost.StartAsync();
        await LoginAsync(host, "member", ServerHost.MemberPassword);
        string keys = Path.Combine(host.Home, "secrets", "keys");
        var files = Directory.GetFiles(keys, "*.xml");
        Assert.NotEmpty(files);
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(keys)!));
        Assert.All(files, f => Assert.Equal(owner, File.GetUnixFileMode(f)));
    }

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task A_saved_cookie_stops_working_after_logout(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        string saved = await LoginAsync(host, "member", ServerHost.MemberPassword);
        string other = await LoginAsync(host, "member", ServerHost.MemberPassword); // a second browser
        var client = WithCookie(host, saved);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(host, saved).GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(host, other).GetAsync("/api/auth/me")).StatusCode);
        // Logging in again works.
        string fresh = await LoginAsync(host, "member", ServerHost.MemberPassword);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(host, fresh).GetAsync("/api/auth/me")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task A_password_change_ends_other_sessions_and_keeps_the_current_one(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        string elsewhere = await LoginAsync(host, "member", ServerHost.MemberPassword);
        string here = await LoginAsync(host, "member", ServerHost.MemberPassword);
        var client = WithCookie(host, here);
        var wrong = await client.PostAsJsonAsync("/api/auth/password", new { current = "not-it-at-all", @new = "new-password-2" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var changed = await client.PostAsJsonAsync("/api/auth/password", new { current = ServerHost.MemberPassword, @new = "new-password-2" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        string renewed = changed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("seer_session=", StringComparison.Ordinal)).Split(';')[0];

        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(host, elsewhere).GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(host, here).GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(host, renewed).GetAsync("/api/auth/me")).StatusCode);
        Assert.NotNull(host.Service<AccountStore>().VerifyPassword("member", "new-password-2"));
    }

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task User_and_role_come_from_the_workspace_not_from_the_cookie(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        long generation = host.Service<AccountStore>().FindSession("member")!.Value.Generation;

        // A well-formed cookie (this server's own keys) for a user this workspace does not have: 401.
        string ghost = Mint(host, new UserInfo("ghost", UserRole.Admin, DateTimeOffset.UtcNow), 0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(host, ghost).GetAsync("/api/datasets")).StatusCode);

        // A cookie claiming admin for the member: the member's stored role wins.
        string promoted = Mint(host, new UserInfo("member", UserRole.Admin, DateTimeOffset.UtcNow), generation);
        var client = WithCookie(host, promoted);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/users")).StatusCode);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("member", me.GetProperty("role").GetString());

        // A cookie without the session generation (as minted before this check existed): 401.
        string old = Mint(host, new UserInfo("member", UserRole.Member, DateTimeOffset.UtcNow), null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(host, old).GetAsync("/api/auth/me")).StatusCode);
    }

    /// <summary>Logs in with a fresh client and returns the "seer_session=..." pair from Set-Cookie.</summary>
    internal static async Task<string> LoginAsync(ServerHost host, string name, string password)
    {
        var response = await host.Anonymous().PostAsJsonAsync("/api/auth/login", new { name, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("seer_session=", StringComparison.Ordinal)).Split(';')[0];
    }

    internal static HttpClient WithCookie(ServerHost host, string cookie)
    {
        var client = host.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private static string Mint(ServerHost host, UserInfo user, long? generation)
    {
        var options = host.Service<IOptionsMonitor<CookieAuthenticationOptions>>().Get(SeerAuth.Cookie);
        var principal = SeerAuth.Principal(user, SeerAuth.Cookie, generation);
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { IsPersistent = true, ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) }, SeerAuth.Cookie);
        return "seer_session=" + options.TicketDataFormat.Protect(ticket);
    }
}
