using System.Net;
using System.Net.Http.Json;
using System.Text;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>Cookie-authenticated unsafe requests from another site are refused; every response carries the security headers.</summary>
public sealed class CrossSiteTests
{
    [Fact]
    public async Task A_cookie_post_from_another_origin_is_refused_json_and_multipart()
    {
        await using var host = await ServerHost.StartAsync();
        string cookie = await SessionTests.LoginAsync(host, "admin", ServerHost.AdminPassword);
        var browser = SessionTests.WithCookie(host, cookie);

        var json = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { name = "eve", role = "admin", password = "long-enough-1" }),
        };
        json.Headers.Add("Origin", "http://evil.example");
        var refused = await browser.SendAsync(json);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("cross-site", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var multipart = new HttpRequestMessage(HttpMethod.Post, "/api/datasets/import")
        {
            Content = new MultipartFormDataContent
            {
                { new StringContent("x"), "dataset" }, { new StringContent("voc"), "format" },
                { new ByteArrayContent(Encoding.ASCII.GetBytes("PK")), "file", "a.zip" },
            },
        };
        multipart.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(multipart)).StatusCode);

        var fetchMeta = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        fetchMeta.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(fetchMeta)).StatusCode);
        var opaque = new HttpRequestMessage(HttpMethod.Put, "/api/settings/x") { Content = JsonContent.Create(new { value = "1" }) };
        opaque.Headers.Add("Origin", "null");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(opaque)).StatusCode);

        // Nothing happened: no user, the session still works (logout was refused).
        Assert.Null(host.Service<Seer.Hosting.Accounts.AccountStore>().Find("eve"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me")).StatusCode);

        // The same request from the server's own origin passes; a bearer token is exempt whatever the Origin.
        var same = new HttpRequestMessage(HttpMethod.Post, "/api/users") { Content = JsonContent.Create(new { name = "eve", role = "member", password = "long-enough-1" }) };
        same.Headers.Add("Origin", host.Anonymous().BaseAddress!.GetLeftPart(UriPartial.Authority));
        same.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(same)).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Post, "/api/users") { Content = JsonContent.Create(new { name = "bob", role = "member", password = "long-enough-1" }) };
        bearer.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().SendAsync(bearer)).StatusCode);
    }

    [Fact]
    public async Task A_login_posted_from_another_site_is_refused()
    {
        await using var host = await ServerHost.StartAsync();
        var login = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { name = "member", password = ServerHost.MemberPassword }) };
        login.Headers.Add("Origin", "http://evil.example");
        var response = await host.Anonymous().SendAsync(login);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/datasets")]
    [InlineData("/no/such/route")]
    public async Task Every_response_carries_the_security_headers(string route)
    {
        await using var host = await ServerHost.StartAsync();
        var response = await host.Anonymous().GetAsync(route);
        string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }
}
