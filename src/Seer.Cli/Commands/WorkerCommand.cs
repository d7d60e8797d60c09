using Seer.Data.Postgres;
using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Seer.Cluster;
using Seer.Core.Errors;
using Seer.Hosting;
using Seer.Hosting.Jobs;
using Seer.Hosting.Postgres;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer worker [--cpu N] [--gpus 0,1] [--name NAME]</c>: a silo of the cluster on SEER_DB (or <c>--db</c>) that
/// advertises its CPU threads and GPUs and runs the jobs the cluster's scheduler places on it, until Ctrl+C or
/// SIGTERM (its running jobs then go back to the queue and resume elsewhere). Glue only: Seer.Cluster does the work.
/// </summary>
public sealed class WorkerCommand : ICommandFactory
{
    public Command Create()
    {
        var cpu = new Option<int?>("--cpu") { Description = "CPU threads jobs may use here at once (default: the machine's cores)" };
        var gpus = new Option<string?>("--gpus") { Description = "GPU ids jobs may be given here, e.g. 0,1 (default: none)" };
        var name = new Option<string?>("--name") { Description = "The worker's name in the cluster (default: worker@HOST-PID)" };
        var address = new Option<string?>("--address") { Description = "IP address other silos reach this one at (default 127.0.0.1; the host's address for several machines)" };
        var worker = new Command("worker", "Join the cluster on SEER_DB as a worker: advertise CPU threads and GPUs, run the jobs placed here");
        worker.Options.Add(cpu);
        worker.Options.Add(gpus);
        worker.Options.Add(name);
        worker.Options.Add(address);
        CommandRunner.SetAction(worker, async (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            string database = Environment.GetEnvironmentVariable(PostgresDatabase.Variable) ?? "";
            if (database.Length == 0)
                throw new SeerException(ErrorCodes.InvalidOptions, "seer worker joins a cluster in PostgreSQL: set SEER_DB or --db to postgres://USER:PASS@HOST:PORT/DB", "--db");
            int? threads = parse.GetValue(cpu);
            if (threads is < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--cpu must be at least 1 (was {threads})", "--cpu");
            var gpuIds = ParseGpus(parse.GetValue(gpus));
            string? workerName = parse.GetValue(name);
            if (workerName is not null && (workerName.Length == 0 || workerName.Length > 150 || workerName.Any(char.IsWhiteSpace)))
                throw new SeerException(ErrorCodes.InvalidOptions, $"--name must be 1-150 characters without spaces (was '{workerName}')", "--name");
            await RunAsync(home, database, threads, gpuIds, workerName, parse.GetValue(address), ct).ConfigureAwait(false);
            return 0;
        });
        return worker;
    }

    private static async Task RunAsync(string home, string database, int? threads, IReadOnlyList<int> gpuIds, string? name, string? address,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Seer.Cluster", LogLevel.Information);
        builder.Services.AddSeerWorkspace(o =>
        {
            o.Home = home;
            if (threads is int t) o.CpuThreads = t;
            if (gpuIds.Count > 0) o.GpuIds = gpuIds.ToList();
        }).AddSeerJobs().AddSeerAccounts().AddSeerSearch();
        builder.AddSeerCluster(database, o =>
        {
            o.RunsJobs = true;
            if (name is not null) o.Name = name;
            if (address is not null) o.Address = address;
        });
        using var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var runtime = host.Services.GetRequiredService<WorkerRuntime>();
        var slots = runtime.Slots!;
        string gpuText = slots.FreeGpus.Count == 0 ? "no GPU" : string.Join(' ', slots.FreeGpus.Select(g => $"cuda:{g}"));
        if (gpuIds.Count > slots.FreeGpus.Count)
            Console.Error.WriteLine($"seer: warning: --gpus {string.Join(',', gpuIds)}: CUDA sees only {gpuText} here");
        Console.Error.WriteLine($"seer: worker {runtime.Name} joined the cluster on {PostgresDatabase.Redact(database)}: {slots.CpuThreads} CPU thread(s), {gpuText}");
        Console.Error.WriteLine("seer: press Ctrl+C to stop (running jobs go back to the queue)");
        try
        {
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static List<int> ParseGpus(string? text)
    {
        var ids = new List<int>();
        if (string.IsNullOrWhiteSpace(text)) return ids;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new SeerException(ErrorCodes.InvalidOptions, $"--gpus must list GPU ids like 0,1 (was '{text}')", "--gpus");
            ids.Add(id);
        }
        return ids.Distinct().Order().ToList();
    }
}
