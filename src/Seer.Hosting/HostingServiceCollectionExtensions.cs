using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Seer.ActiveLearning.Projects;
using Seer.Data;
using Seer.Hosting.Access;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;
using Seer.Hosting.Jobs.Kinds;
using Seer.Hosting.Models;
using Seer.Hosting.Search;
using Seer.Hosting.Storage;

namespace Seer.Hosting;

/// <summary>DI registrations for a Seer host: workspace, hosting database, jobs (queue, runner, kinds), accounts, models.</summary>
public static class HostingServiceCollectionExtensions
{
    /// <summary>Options (validated at start) + the workspace and the hosting tables in its database.</summary>
    public static IServiceCollection AddSeerWorkspace(this IServiceCollection services, Action<HostingOptions>? configure = null)
    {
        var builder = services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.Section).ValidateOnStart();
        if (configure is not null) builder.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HostingOptions>, HostingOptionsValidator>());
        services.TryAddSingleton(sp => Workspace.Open(sp.GetRequiredService<IOptions<HostingOptions>>().Value.Home,
            Seer.Data.Storage.BlobStoreLocation.FromEnvironment(), sp.GetRequiredService<IOptions<HostingOptions>>().Value.Database));
        // The hosting tables (accounts, tokens, settings, ...) in the workspace's database: seer.db, or PostgreSQL with Seer:Database.
        services.TryAddSingleton(sp => new HostingDatabase(sp.GetRequiredService<IOptions<HostingOptions>>().Value.Home, sp.GetRequiredService<Workspace>().Database));
        services.TryAddSingleton<PathPolicy>();
        services.TryAddSingleton<ResourceAccess>();
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton(sp => new Seer.Data.Browse.ImageBrowser(sp.GetRequiredService<Workspace>()));
        services.TryAddSingleton(sp => new Seer.Labeling.LabelingStore(sp.GetRequiredService<Workspace>()));
        return services;
    }

    /// <summary>The durable queue, the in-process runner (a hosted service), the built-in job kinds and the project store.</summary>
    public static IServiceCollection AddSeerJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<SqliteJobQueue>();
        // SEER_DB / Seer:Database: one pooled PostgreSQL data source for the queue, the cluster and the model files
        // (resolved only when set); the job ledger's migrations (jobs, then the cluster's tables) run when it is made.
        services.TryAddSingleton(sp =>
        {
            var db = new Seer.Data.Postgres.PostgresDatabase(sp.GetRequiredService<IOptions<HostingOptions>>().Value.Database
                ?? throw new InvalidOperationException("Seer:Database is not set"));
            db.Migrate(Postgres.PostgresMigrations.Ledger, Postgres.PostgresMigrations.All);
            return db;
        });
        services.TryAddSingleton<IJobQueue>(sp =>
            sp.GetRequiredService<IOptions<HostingOptions>>().Value.Database is { Length: > 0 }
                ? new Postgres.PostgresJobQueue(sp.GetRequiredService<Seer.Data.Postgres.PostgresDatabase>())
                : sp.GetRequiredService<SqliteJobQueue>());
        services.TryAddSingleton<IGpuDevices, ConfiguredGpuDevices>();
        services.TryAddSingleton(sp => new JobCapacity(sp.GetRequiredService<IOptions<HostingOptions>>(), sp.GetRequiredService<IGpuDevices>()));
        services.TryAddSingleton<JobAccess>();
        services.TryAddSingleton<JobService>();
        services.TryAddSingleton<JobWaiter>();
        services.TryAddSingleton<JobExecution>();
        services.TryAddSingleton<LocalJobRunner>();
        services.TryAddSingleton<IWorkerDirectory, LocalWorkerDirectory>();
        services.TryAddSingleton<Training.IModelFiles>(sp =>
            sp.GetRequiredService<IOptions<HostingOptions>>().Value.Database is { Length: > 0 }
                ? new Postgres.PostgresModelFiles(sp.GetRequiredService<Seer.Data.Postgres.PostgresDatabase>(), sp.GetRequiredService<Workspace>().Blobs)
                : new Training.LocalModelFiles());
        services.TryAddSingleton<Training.ModelMirror>();
        services.TryAddSingleton<IJobRunner>(sp => sp.GetRequiredService<LocalJobRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<LocalJobRunner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, ImportJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, ExportJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, EvaluationJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, PreAnnotationJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, TrainingJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, MiningJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, FieldsJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, SynthJobHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, FlowJobHandler>());
        services.TryAddSingleton(sp => new ProjectStore(sp.GetRequiredService<Workspace>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, IterationJobHandler>());
        return services;
    }

    /// <summary>Feature groups for compare and search (kept open by the host, under the workspace's search/ folder).</summary>
    public static IServiceCollection AddSeerSearch(this IServiceCollection services)
    {
        services.TryAddSingleton<FeatureGroupHost>();
        services.TryAddSingleton<VersionEmbeddings>();
        return services;
    }

    /// <summary>Users, tokens, settings and login throttling.</summary>
    public static IServiceCollection AddSeerAccounts(this IServiceCollection services)
    {
        services.TryAddSingleton<AccountStore>();
        services.TryAddSingleton<SettingsStore>();
        services.TryAddSingleton<LoginThrottle>();
        return services;
    }
}
