using System.CommandLine;
using System.Diagnostics;
using Seer.ActiveLearning.Demo;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Data.Import;
using Seer.Data.Stats;
using Seer.Cli.Commands.Dataset;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer demo</c>: the first thing to run. Fetches the real Pascal VOC examples of Debian's labelme-examples
/// (scripts/fetch-data.sh), imports them into the workspace as dataset <c>demo-voc</c> and prints their statistics;
/// then (unless --no-serve or --json) makes the sample active-learning project and the showcase detector's data
/// (Seer.ActiveLearning's <see cref="DemoProject"/>) and serves.
/// Re-runnable: a second run finds the same content and keeps the same version.
/// </summary>
public sealed class DemoCommand : ICommandFactory
{
    public const string DatasetName = "demo-voc";

    public Command Create()
    {
        var command = new Command("demo", "Fetch real sample data, import it as a versioned dataset, show its statistics, then take a sample project (Fashion-MNIST) through one active-learning iteration, serve it all and queue a small detector training (--no-serve to stop after the statistics)");
        command.Options.Add(DemoServe.NoServe);
        command.Options.Add(DemoServe.Urls);
        command.Options.Add(DemoServe.Quick);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            bool json = parse.GetValue(GlobalOptions.Json);
            string root = FindRepositoryRoot();
            string voc = Path.Combine(root, ".data", "labelme", "bbox_detection", "data_dataset_voc");
            if (!Directory.Exists(voc)) await FetchAsync(root, "labelme", json, ct).ConfigureAwait(false);
            if (!Directory.Exists(voc))
                throw new SeerException(ErrorCodes.Unavailable, $"scripts/fetch-data.sh labelme did not produce {voc}", voc);
            string home = GlobalOptions.ResolveHome(parse);
            var request = new ImportRequest(DatasetName) { Format = "voc", Source = "labelme-examples/data_dataset_voc" };
            var import = await DatasetTransferCommands.RunImportAsync(home, voc, request, null, !json, ct).ConfigureAwait(false);
            using var ws = Workspace.Open(home);
            var stats = DatasetStatistics.Compute(ws.OpenSnapshot(new DatasetRef(DatasetName, import.Version)));
            if (json)
            {
                Output.Json(new Dictionary<string, object?>
                {
                    ["home"] = home,
                    ["import"] = DatasetTransferCommands.ImportJson(import),
                    ["stats"] = stats,
                });
                return 0;
            }
            AnsiConsole.MarkupLine($"[bold]Seer demo[/] — workspace {Markup.Escape(home)}");
            DatasetTransferCommands.PrintImport(import);
            Console.WriteLine();
            StatsView.Print(stats);
            Console.WriteLine();
            Console.WriteLine($"next: seer dataset log {DatasetName}   |   seer dataset split {DatasetName} --ratios 0.6,0.2,0.2 --seed 1");
            if (!parse.GetValue(DemoServe.NoServe)) await DemoServe.RunAsync(root, home, parse.GetValue(DemoServe.Urls)!,
                parse.GetValue(DemoServe.Quick) ? DemoSettings.Quick : new DemoSettings(), ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The repository root (holds Seer.sln): above the running CLI (./seer builds into .build/cli) or the current folder.</summary>
    internal static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Seer.sln")) && File.Exists(Path.Combine(dir.FullName, "scripts", "fetch-data.sh")))
                    return dir.FullName;
        }
        throw new SeerException(ErrorCodes.Unavailable,
            "seer demo needs the Seer repository (scripts/fetch-data.sh) to fetch its sample data; run it from a checkout with ./seer demo");
    }

    internal static async Task FetchAsync(string root, string set, bool json, CancellationToken ct)
    {
        if (!json) Console.Error.WriteLine($"seer demo: fetching sample data ({set}) with scripts/fetch-data.sh ...");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(root, "scripts", "fetch-data.sh"));
        info.ArgumentList.Add(set);
        using var process = Process.Start(info) ?? throw new SeerException(ErrorCodes.Unavailable, "cannot start bash to fetch the sample data");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
            throw new SeerException(ErrorCodes.Unavailable,
                $"scripts/fetch-data.sh {set} failed (exit {process.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()}");
    }
}
