using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Seer.ActiveLearning.Demo;
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
/// and stays up until Ctrl+C. Before serving it makes the sample project and the detection sets (<see cref="DemoProject"/> in
/// Seer.ActiveLearning); once up, on a workspace without the showcase detector it queues its training. <c>--no-serve</c> (and <c>--json</c>, a script's call) stop after the import.
/// </summary>
public static class DemoServe
{
    public static readonly Option<bool> NoServe = new("--no-serve") { Description = "Only import and print statistics; do not start the server" };

    public static readonly Option<string> Urls = new("--urls")
    {
        Description = "Where the demo server listens",
        DefaultValueFactory = _ => SeerServer.DefaultUrls,
    };

    public static readonly Option<bool> Quick = new("--quick")
    {
        Description = "A smaller sample (500 Fashion-MNIST images, one epoch, a 32-image detection set): a quick look, and what the tests run",
    };

    public static async Task RunAsync(string root, string home, string urls, DemoSettings settings, CancellationToken cancellationToken)
    {
        var options = Options.Create(new HostingOptions { Home = home });
        var accounts = new AccountStore(HostingDatabase.Open(home, options.Value.Database), options);
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
        using (var workspace = Workspace.Open(home))
        {
            if (!DemoProject.IsDone(workspace))
            {
                Console.Error.WriteLine($"seer demo: making the sample project '{DemoProject.Name}' (Fashion-MNIST, one active-learning round; one to two minutes on 2 cores) ...");
                string fashion = Path.Combine(root, ".data", "fashion-mnist");
                if (!Directory.Exists(fashion)) await DemoCommand.FetchAsync(root, "fashion-mnist", json: false, cancellationToken).ConfigureAwait(false);
                await DemoProject.EnsureAsync(workspace, fashion, "demo", settings, new Lines(), cancellationToken).ConfigureAwait(false);
            }
            string photos = Path.Combine(root, ".data", "labelme", "bbox_detection", "data_dataset_voc", "JPEGImages");
            await DemoProject.EnsureDetectionSetsAsync(workspace, photos, settings, cancellationToken).ConfigureAwait(false);
        }
        await ServeCommands.RunAsync(home, urls, cancellationToken, $"user 'demo', password '{password}'", app =>
        {
            foreach (var url in app.Urls) Console.Error.WriteLine($"seer demo: sample project at {url}/#/project/{DemoProject.Name}");
            QueueFirstTraining(app, settings);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// On a workspace with no model trained on the demo's detection set yet, queues the showcase detector's training
    /// (trained on demo-synth-train, validated on the disjoint demo-synth-val; a durable job: the Jobs page shows its
    /// curves live, the Models page shows the result, the Verify page can use it at once).
    /// </summary>
    private static void QueueFirstTraining(WebApplication app, DemoSettings settings)
    {
        var queue = app.Services.GetRequiredService<IJobQueue>();
        if (new FileModelRegistry(home: app.Services.GetRequiredService<Workspace>().Home).List()
                .Any(m => m.TrainDataset.StartsWith(DemoProject.DetectionTrain + "@", StringComparison.Ordinal))
            || queue.List().Any(j => j.Kind == "training" && !JobStates.IsFinal(j.State))) return;
        var parameters = JsonSerializer.SerializeToElement(DemoProject.DetectorJobParameters(settings));
        var job = app.Services.GetRequiredService<JobService>().Submit("training", parameters, "demo");
        Console.Error.WriteLine($"seer: queued training job {job.Id} (the showcase detector on {DemoProject.DetectionTrain}, validated on {DemoProject.DetectionVal}); watch it at #/job/{job.Id}");
    }

    /// <summary>One stderr line per step event and training epoch, as `seer iterate` prints them.</summary>
    private sealed class Lines : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine($"seer demo: {value}");
    }
}
