using Seer.Data.Postgres;
using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Seer.Cluster;
using Seer.Core.Errors;
using Seer.Hosting.Accounts;
using Seer.Hosting.Postgres;
using Seer.Server;

namespace Seer.Cli.Commands;

/// <summary><c>seer serve [--urls URL]</c>: the REST API, the web UI and the in-process job runner on the workspace, until Ctrl+C.</summary>
public sealed class ServeCommands : ICommandFactory
{
    public static readonly Option<string> Urls = new("--urls")
    {
        Description = "Address(es) to listen on, ';'-separated (default: loopback only)",
        DefaultValueFactory = _ => SeerServer.DefaultUrls,
    };

    public Command Create()
    {
        var worker = new Option<bool>("--worker") { Description = "With SEER_DB (a cluster): also run jobs here (Seer:CpuThreads, Seer:GpuIds), as a worker does" };
        var name = new Option<string?>("--name") { Description = "With SEER_DB: this server's name in the cluster (default: server@HOST-PID)" };
        var serve = new Command("serve", "Start the Seer server: REST API (/api, /openapi/v1.json, /scalar), web UI and job runner (with SEER_DB: joins the cluster)");
        serve.Options.Add(Urls);
        serve.Options.Add(worker);
        serve.Options.Add(name);
        CommandRunner.SetAction(serve, async (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            string database = Environment.GetEnvironmentVariable(PostgresDatabase.Variable) ?? "";
            bool runsJobs = parse.GetValue(worker);
            string? serverName = parse.GetValue(name);
            if (database.Length == 0 && (runsJobs || serverName is not null))
                throw new SeerException(ErrorCodes.InvalidOptions, "--worker and --name need a cluster: set SEER_DB or --db to postgres://USER:PASS@HOST:PORT/DB", "--worker");
            // With SEER_DB the server is a silo of the cluster on that database; it runs jobs only with --worker.
            Action<WebApplicationBuilder>? cluster = database.Length == 0 ? null : b => b.AddSeerCluster(database, o =>
            {
                o.RunsJobs = runsJobs;
                o.Name = serverName ?? $"server@{Environment.MachineName}-{Environment.ProcessId}";
            });
            await RunAsync(home, parse.GetValue(Urls)!, ct, configure: cluster).ConfigureAwait(false);
            return 0;
        });
        return serve;
    }

    /// <summary>Starts the server and blocks until <paramref name="cancellationToken"/> fires (Ctrl+C).</summary>
    public static async Task RunAsync(string home, string urls, CancellationToken cancellationToken, string? loginHint = null,
        Action<WebApplication>? started = null, Action<WebApplicationBuilder>? configure = null)
    {
        var app = SeerServer.Build(home, urls, configure);
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            started?.Invoke(app);
            var accounts = app.Services.GetRequiredService<AccountStore>();
            Console.Error.WriteLine($"seer: serving {home}");
            foreach (var url in app.Urls) Console.Error.WriteLine($"seer: open {url}/  (API reference: {url}/scalar)");
            if (loginHint is not null) Console.Error.WriteLine($"seer: log in as {loginHint}");
            else if (accounts.ListUsers().Count == 0)
                Console.Error.WriteLine("seer: no users yet: create one with `seer user add NAME --role admin --password-stdin`");
            Console.Error.WriteLine("seer: press Ctrl+C to stop");
            try
            {
                // Ctrl+C reaches the host's console lifetime (which only signals ApplicationStopping) as well as the
                // command's token: either one ends the wait, then the host is stopped below.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
