using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Seer.Hosting.Accounts;
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
        var serve = new Command("serve", "Start the Seer server: REST API (/api, /openapi/v1.json, /scalar), web UI and job runner");
        serve.Options.Add(Urls);
        CommandRunner.SetAction(serve, async (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            await RunAsync(home, parse.GetValue(Urls)!, ct).ConfigureAwait(false);
            return 0;
        });
        return serve;
    }

    /// <summary>Starts the server and blocks until <paramref name="cancellationToken"/> fires (Ctrl+C).</summary>
    public static async Task RunAsync(string home, string urls, CancellationToken cancellationToken, string? loginHint = null,
        Action<WebApplication>? started = null)
    {
        var app = SeerServer.Build(home, urls);
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
