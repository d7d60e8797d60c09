using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seer.Hosting;
using Seer.Hosting.Accounts;
using Xunit;

namespace Seer.Server.Tests.Security;

/// <summary>Login throttling per account+source, per source and per account, in bounded memory.</summary>
public sealed class LoginThrottleTests
{
    [Fact]
    public void Ten_thousand_failed_logins_with_random_names_keep_memory_bounded_and_leave_the_admin_free_elsewhere()
    {
        var throttle = new LoginThrottle(Options.Create(new HostingOptions { LoginThrottleEntries = 1_000 }));
        var random = new Random(7);
        int allowed = 0;
        for (int i = 0; i < 10_000; i++)
        {
            // An attacker spraying names from a few hundred addresses, and hammering "admin" from one.
            string source = $"203.0.113.{random.Next(256)}";
            if (throttle.TryBegin(i % 10 == 0 ? "admin" : Guid.NewGuid().ToString("N"), i % 10 == 0 ? "198.51.100.66" : source) is null) allowed++;
            Assert.True(throttle.Entries <= 1_000);
        }
        Assert.Equal(1_000, throttle.Capacity);
        Assert.True(allowed < 10_000);
        Assert.NotNull(throttle.TryBegin("admin", "198.51.100.66")); // the hammering address is locked out of admin
        Assert.Null(throttle.TryBegin("admin", "192.0.2.10"));       // the real admin elsewhere is not
    }

    [Fact]
    public void A_source_spraying_names_is_stopped_and_a_success_gives_the_attempt_back()
    {
        var throttle = new LoginThrottle(Options.Create(new HostingOptions()));
        for (int i = 0; i < 20; i++) Assert.Null(throttle.TryBegin($"user{i}", "203.0.113.5"));
        Assert.NotNull(throttle.TryBegin("someone-else", "203.0.113.5"));
        Assert.Null(throttle.TryBegin("someone-else", "203.0.113.6"));

        for (int i = 0; i < 4; i++) Assert.Null(throttle.TryBegin("ada", "192.0.2.1"));
        Assert.Null(throttle.TryBegin("ada", "192.0.2.1"));
        throttle.Succeeded("ada", "192.0.2.1"); // the fifth was the right password: the counter starts over
        for (int i = 0; i < 5; i++) Assert.Null(throttle.TryBegin("ada", "192.0.2.1"));
        Assert.NotNull(throttle.TryBegin("ada", "192.0.2.1"));
    }

    [Fact]
    public async Task Forty_parallel_guesses_for_one_account_get_at_most_the_allowed_tries()
    {
        await using var host = await ServerHost.StartAsync(services: s => s.AddSingleton<IStartupFilter, SourceFromHeader>());
        var client = host.Anonymous();
        var guesses = Enumerable.Range(0, 40).Select(async i =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { name = "member", password = $"guess-{i}" }) };
            request.Headers.Add(SourceFromHeader.Header, "203.0.113.9");
            return (await client.SendAsync(request)).StatusCode;
        });
        var statuses = await Task.WhenAll(guesses);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(35, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // The member from another address still signs in; the guessing address stays locked for that account.
        Assert.Equal(HttpStatusCode.OK, (await LoginFrom(client, "192.0.2.20", "member", ServerHost.MemberPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginFrom(client, "203.0.113.9", "member", ServerHost.MemberPassword)).StatusCode);
    }

    [Fact]
    public async Task Random_name_logins_through_the_api_stay_bounded_and_the_admin_signs_in_from_elsewhere()
    {
        await using var host = await ServerHost.StartAsync(services: s => s.AddSingleton<IStartupFilter, SourceFromHeader>(),
            options: o => o.LoginThrottleEntries = 64);
        var client = host.Anonymous();
        int verified = 0;
        for (int i = 0; i < 300; i++)
        {
            var status = (await LoginFrom(client, "203.0.113.77", Guid.NewGuid().ToString("N"), "wrong-password")).StatusCode;
            if (status == HttpStatusCode.Unauthorized) verified++;
            else Assert.Equal(HttpStatusCode.TooManyRequests, status);
        }
        Assert.Equal(20, verified);
        Assert.True(host.Service<LoginThrottle>().Entries <= 64);
        Assert.Equal(HttpStatusCode.OK, (await LoginFrom(client, "192.0.2.30", "admin", ServerHost.AdminPassword)).StatusCode);
    }

    private static Task<HttpResponseMessage> LoginFrom(HttpClient client, string source, string name, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { name, password }) };
        request.Headers.Add(SourceFromHeader.Header, source);
        return client.SendAsync(request);
    }

    /// <summary>Test only: the in-memory server has no client address; this sets it from a request header.</summary>
    private sealed class SourceFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Source";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, proceed) =>
            {
                if (System.Net.IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                    context.Connection.RemoteIpAddress = address;
                return proceed(context);
            });
            next(app);
        };
    }
}
