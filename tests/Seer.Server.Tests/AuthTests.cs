using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Seer.Server.Tests;

public sealed class AuthTests
{
    [Fact]
    public async Task Health_NeedsNoAuth_EveryApiRouteDoes()
    {
        await using var host = await ServerHost.StartAsync();
        var anon = host.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/health")).StatusCode);
        foreach (var route in new[] { "/api/datasets", "/api/jobs", "/api/models", "/api/labels", "/api/auth/me" })
        {
            var response = await anon.GetAsync(route);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var forged = host.As("seer_000000000000_notarealsecret");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/datasets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Member().GetAsync("/api/datasets")).StatusCode);
    }

    /// <summary>The only routes that answer without a token or session.</summary>
    private static readonly HashSet<string> PublicRoutes = new(StringComparer.Ordinal)
    {
        "GET /health",
        "POST /api/auth/login",
        "GET /openapi/{documentName}.json",
        "GET /scalar/{documentName?}",
    };

    [Fact]
    public async Task EveryRoute_OfTheApp_RefusesAMissingToken_ExceptTheListedPublicOnes()
    {
        await using var host = await ServerHost.StartAsync();
        var endpoints = ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)host.App).DataSources
            .SelectMany(d => d.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().ToList();
        var anon = host.Anonymous();
        var seen = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            string pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            string url = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart s => s.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p => p.ParameterPolicies.Any(x => x.Content is "long" or "int") ? "1" : p.Name == "documentName" ? "v1" : "x",
                _ => "x",
            }))));
            foreach (var method in methods)
            {
                string key = $"{method} {pattern}";
                seen.Add(key);
                var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT" or "PATCH") request.Content = JsonContent.Create(new { });
                var response = await anon.SendAsync(request);
                // Public: the listed routes, and the Scalar API reference's own static assets under /scalar/.
                if (PublicRoutes.Contains(key) || (method == "GET" && pattern.StartsWith("/scalar/", StringComparison.Ordinal)))
                    // (login with an empty body answers its own 401 "wrong user name or password", not the sign-in challenge)
                    Assert.DoesNotContain("sign in (POST /api/auth/login)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                else
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{key} ({url}) answered {(int)response.StatusCode} without a token");
            }
        }
        // The walk really covered the API (not a hand-picked few) and every listed public route exists.
        Assert.True(seen.Count(k => k.Contains(" /api/", StringComparison.Ordinal)) >= 40, string.Join("\n", seen));
        Assert.All(PublicRoutes, p => Assert.Contains(p, seen));
    }

    [Theory]
    [MemberData(nameof(ServerHost.Backends), MemberType = typeof(ServerHost))]
    public async Task Member_IsForbiddenAdminRoutes_AdminIsNot(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/tokens", new { user = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await member.PostAsJsonAsync("/api/users", new { name = "eve", role = "admin", password = "long-enough-1" })).StatusCode);

        var admin = host.Admin();
        var created = await admin.PostAsJsonAsync("/api/users", new { name = "carol", role = "member", password = "long-enough-1" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/users");
        Assert.Equal(["admin", "carol", "member"], users.EnumerateArray().Select(u => u.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.Conflict,
            (await admin.PostAsJsonAsync("/api/users", new { name = "carol", role = "member", password = "long-enough-1" })).StatusCode);
        var put = await admin.PutAsJsonAsync("/api/settings/default_threshold", new { value = "0.5" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("0.5", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("default_threshold").GetString());

        // A member's own token works as a bearer token.
        var token = await (await member.PostAsJsonAsync("/api/tokens", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var me = await host.As(token.GetProperty("token").GetString()!).GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("member", me.GetProperty("name").GetString());
    }

    [Fact]
    public async Task PasswordLogin_SetsASessionCookie_AndRepeatedFailuresAreThrottled()
    {
        await using var host = await ServerHost.StartAsync();
        var browser = host.App.GetTestServerClientWithCookies();
        var wrong = await browser.PostAsJsonAsync("/api/auth/login", new { name = "member", password = "nope" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var ok = await browser.PostAsJsonAsync("/api/auth/login", new { name = "member", password = ServerHost.MemberPassword });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains(ok.Headers.GetValues("Set-Cookie"), c => c.StartsWith("seer_session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var me = await browser.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("member", me.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/users")).StatusCode);

        // Five guesses at admin from the in-memory clients' one (unknown) address lock admin out from that address.
        var attacker = host.Anonymous();
        for (int i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.PostAsJsonAsync("/api/auth/login", new { name = "admin", password = $"guess{i}" })).StatusCode);
        var locked = await attacker.PostAsJsonAsync("/api/auth/login", new { name = "admin", password = ServerHost.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter is not null);
    }
}
