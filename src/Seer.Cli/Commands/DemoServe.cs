using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Seer.Data;
using Seer.Hosting;
using Seer.Hosting.Jobs;
using Seer.Training.Registry;
using Seer.Hosting.Accounts;
using Seer.Hosting.Storage;
using Seer.Server;

namespace Seer.Cli.Commands;

/// <summary>
/// The serving half of <c>seer demo</c>: after the import it starts the server on the demo workspace with a
/// <c>demo</c> admin (password generated once, kept in HOME/demo-login.txt, mode 600), prints the URL and the login,
/// and stays up until Ctrl+C. Before serving it makes the sample project (<see cref="DemoProject"/>, one active-learning
/// round on Fashion-MNIST); once up, on a workspace without a model trained on demo-voc it queues a small detector training. <c>--no-serve</c> (and <c>--json</c>, a script's call) stop after the import.
/// </summary>
public static class DemoServe
{
    public static readonly Option<bool> NoServe = new("--no-serve") { Description = "Only import and print statistics; do not start the server" };

    public static readonly Option<string> Urls = new("--urls")
    {
        Description = "Where the demo server listens",
        DefaultValueFactory = _ => SeerServer.DefaultUrls,
    };

    public static async Task RunAsync(string root, string home, string urls, CancellationToken cancellationToken)
    {
        var options = Options.Create(new HostingOptions { Home = home });
        var accounts = new AccountStore(new HostingDatabase(home), options);
        string loginFile = Path.Combine(home, "demo-login.txt");
        string password;
        if (accounts.Find("demo") is not null && File.Exists(loginFile))
            password = File.ReadAllText(loginFile).Trim();
        else
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('/', 'x').Replace('+', 'y');
            if (accounts.Find("demo") is null) accounts.AddUser("demo", UserRole.Admin, password);
            else password = "(the existing 'demo' user's password; HOME/demo-login.txt is missing)";
            string temp = loginFile + ".tmp";
            File.WriteAllText(temp, password + "\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, loginFile, overwrite: true);
        }
        Console.WriteLine();
        await DemoProject.EnsureAsync(root, home, "demo", cancellationToken).ConfigureAwait(false);
        await ServeCommands.RunAsync(home, urls, cancellationToken, $"user 'demo', password '{password}'", Started).ConfigureAwait(false);
    }

    private static void Started(WebApplication app)
    {
        foreach (var url in app.Urls) Console.Error.WriteLine($"seer demo: sample project at {url}/#/project/{DemoProject.Name}");
        QueueFirstTraining(app);
    }

    /// <summary>
    /// On a workspace with no model trained on the demo data yet, queues a small detector training on it (a durable job:
    /// the Jobs page shows its curves live, the Models page shows the result, the Verify page can use it at once).
    /// </summary>
    private static void QueueFirstTraining(WebApplication app)
    {
        var queue = app.Services.GetRequiredService<IJobQueue>();
        if (new FileModelRegistry(home: app.Services.GetRequiredService<Workspace>().Home).List()
                .Any(m => m.TrainDataset.StartsWith(DemoCommand.DatasetName + "@", StringComparison.Ordinal))
            || queue.List().Any(j => j.Kind == "training" && !JobStates.IsFinal(j.State))) return;
        var parameters = JsonSerializer.SerializeToElement(new
        {
            train = DemoCommand.DatasetName, task = "detect", epochs = 8, image_size = 128, batch_size = 2, serve_as = "demo-detector",
        });
        var job = app.Services.GetRequiredService<JobService>().Submit("training", parameters, "demo");
        Console.Error.WriteLine($"seer: queued training job {job.Id} (a small detector on {DemoCommand.DatasetName}); watch it at #/job/{job.Id}");
    }
}
