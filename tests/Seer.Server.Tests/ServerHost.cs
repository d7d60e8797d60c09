using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Seer.Hosting;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;
using Seer.Server;

namespace Seer.Server.Tests;

/// <summary>A Seer server on a workspace folder, in memory (TestServer), with an admin and a member and their tokens.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    public const string AdminPassword = "admin-password-1";
    public const string MemberPassword = "member-password-1";

    private ServerHost(WebApplication app, string home)
    {
        App = app;
        Home = home;
    }

    public WebApplication App { get; }

    public string Home { get; }

    public string AdminToken { get; private set; } = "";

    public string MemberToken { get; private set; } = "";

    public static async Task<ServerHost> StartAsync(string? home = null, Action<IServiceCollection>? services = null, Action<HostingOptions>? options = null)
    {
        home ??= TestPaths.TempDir();
        var app = SeerServer.Build(home, configure: b =>
        {
            b.WebHost.UseTestServer();
            // As an admin would: the shared data folder is an allowed server path (imports by path read it).
            b.Services.Configure<HostingOptions>(o => o.AllowedPaths.Add(TestPaths.Data()));
            if (options is not null) b.Services.Configure(options);
            services?.Invoke(b.Services);
        });
        await app.StartAsync();
        var host = new ServerHost(app, home);
        var accounts = app.Services.GetRequiredService<AccountStore>();
        if (accounts.Find("admin") is null) accounts.AddUser("admin", UserRole.Admin, AdminPassword);
        if (accounts.Find("member") is null) accounts.AddUser("member", UserRole.Member, MemberPassword);
        host.AdminToken = accounts.CreateToken("admin");
        host.MemberToken = accounts.CreateToken("member");
        return host;
    }

    /// <summary>The workspace databases server suites run on: SQLite (the embedded default) and PostgreSQL (Seer:Database).</summary>
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    /// <summary>null for SQLite; a fresh, empty PostgreSQL database (its URL) for "postgres".</summary>
    public static string? DatabaseFor(string backend) => backend switch
    {
        "sqlite" => null,
        "postgres" => JobQueueBackendTests.NewDatabase(),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "sqlite or postgres"),
    };

    /// <summary>A server on <paramref name="backend"/>'s workspace database (a fresh one for PostgreSQL).</summary>
    public static Task<ServerHost> StartOnAsync(string backend, Action<IServiceCollection>? services = null) =>
        StartAsync(services: services, options: o => o.Database = DatabaseFor(backend));

    public HttpClient Anonymous() => App.GetTestClient();

    public HttpClient As(string token)
    {
        var client = App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Admin() => As(AdminToken);

    public HttpClient Member() => As(MemberToken);

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Waits (server-side, event driven) until the job is final and returns it.</summary>
    public async Task<JsonElement> WaitJobAsync(HttpClient client, long id)
    {
        var job = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/wait?timeout=60");
        return job;
    }

    public Task<JobInfo> WaitAsync(long id, Func<JobInfo, bool> until) =>
        Service<JobWaiter>().WaitAsync(id, until, TimeSpan.FromSeconds(60), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
