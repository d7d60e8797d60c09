using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Seer.Server.Tests;

/// <summary>An in-memory client that keeps cookies like a browser.</summary>
public static class CookieClient
{
    public static HttpClient GetTestServerClientWithCookies(this WebApplication app)
    {
        var server = app.GetTestServer();
        var handler = new CookieHandler { InnerHandler = server.CreateHandler() };
        return new HttpClient(handler) { BaseAddress = server.BaseAddress };
    }

    private sealed class CookieHandler : DelegatingHandler
    {
        private readonly CookieContainer _cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string header = _cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0) request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
                foreach (var v in values) _cookies.SetCookies(request.RequestUri!, v);
            return response;
        }
    }
}
