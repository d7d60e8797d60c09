using Seer.Data.Postgres;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Seer.Core.Errors;
using Seer.Hosting;
using Seer.Hosting.Jobs;
using Seer.Hosting.Postgres;

namespace Seer.Cluster;

/// <summary>
/// Makes a Seer host (server or worker) a silo of the cluster on the job database: Orleans with ADO.NET clustering
/// (invariant Npgsql) on the same PostgreSQL, the membership tables created by Seer's migrations
/// (<see cref="ClusterSchema"/>), the worker placement director, this silo's <see cref="WorkerRuntime"/>, the
/// scheduler pump and the cluster's <see cref="IWorkerDirectory"/>. The host's own in-process runner is switched off.
/// </summary>
public static class ClusterHostingExtensions
{
    public static IHostApplicationBuilder AddSeerCluster(this IHostApplicationBuilder builder, string database, Action<SeerClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(database))
            throw new SeerException(ErrorCodes.InvalidOptions, "the cluster lives in PostgreSQL: set SEER_DB or --db to postgres://USER:PASS@HOST:PORT/DB", PostgresDatabase.Variable);
        var options = new SeerClusterOptions();
        builder.Configuration.GetSection(SeerClusterOptions.Section).Bind(options); // Seer:Cluster:* (Seer__Cluster__* variables)
        configure?.Invoke(options);
        if (!IPAddress.TryParse(options.Address, out var address))
            throw new SeerException(ErrorCodes.InvalidOptions, $"Seer:Cluster:Address must be an IP address (was '{options.Address}')", "Seer:Cluster:Address");
        if (options.SiloPort == 0) options.SiloPort = FreePort(address);
        if (options.GatewayPort == 0) options.GatewayPort = FreePort(address);
        // Migrations first (membership tables and their statements), so Orleans finds them when it starts.
        string connectionString;
        using (var db = new PostgresDatabase(database))
        {
            db.Migrate(Seer.Hosting.Postgres.PostgresMigrations.Ledger, Seer.Hosting.Postgres.PostgresMigrations.All);
            connectionString = db.ConnectionString;
        }

        var services = builder.Services;
        services.Configure<HostingOptions>(o =>
        {
            o.Database = database;
            o.LocalRunner = false;
        });
        services.AddSingleton(Options.Create(options));
        services.TryAddSingleton<WorkerRegistry>();
        services.TryAddSingleton<WorkerRuntime>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerRuntime>());
        services.AddHostedService<SchedulerPump>();
        services.Replace(ServiceDescriptor.Singleton<IWorkerDirectory, ClusterWorkerDirectory>());
        // Orleans' placement retries log every attempt (Polly) while a grain's silo is still joining: errors only.
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            // seer.dll (the host) has no Orleans code generation of its own: name the assembly with the grains.
            silo.Services.AddSerializer(s => s.AddAssembly(typeof(SchedulerGrain).Assembly));
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = "seer";
            });
            silo.Configure<SiloOptions>(o => o.SiloName = options.Name);
            silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = options.ProbeTimeout;
                o.NumMissedProbesLimit = 3;
            });
            silo.AddPlacementDirector<WorkerPlacement, WorkerPlacementDirector>();
        });
        return builder;
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
