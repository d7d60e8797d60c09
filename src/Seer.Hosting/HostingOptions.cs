namespace Seer.Hosting;

/// <summary>
/// Settings of a Seer host (server or worker), bound from the <c>Seer</c> configuration section: the workspace
/// folder and the resource slots jobs are scheduled on.
/// </summary>
public sealed class HostingOptions
{
    public const string Section = "Seer";

    /// <summary>The workspace folder (seer.db and blobs/).</summary>
    public string Home { get; set; } = "";

    /// <summary>
    /// The job database: <c>postgres://USER:PASS@HOST:PORT/DB</c> puts the job queue in PostgreSQL (docs/scale-out.md);
    /// empty = the workspace's SQLite. Defaults to the SEER_DB variable (the CLI's <c>--db</c> sets it).
    /// </summary>
    public string? Database { get; set; } = Environment.GetEnvironmentVariable("SEER_DB");

    /// <summary>CPU threads jobs may use at once; a job asking for more than are free waits in the queue; one asking for more than this is refused.</summary>
    public int CpuThreads { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>GPU device ids jobs may be given (empty on a CPU-only machine).</summary>
    public IList<int> GpuIds { get; set; } = new List<int>();

    /// <summary>
    /// A queued job that does not fit the free slots and has waited this long reserves capacity: younger jobs start
    /// beside it only when they cannot delay it (see docs/jobs.md, "Scheduling").
    /// </summary>
    public TimeSpan ReserveAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether this process's own runner (<see cref="Jobs.LocalJobRunner"/>) takes jobs from the queue. True for the
    /// embedded default; a server that joined a cluster sets it false (the cluster's workers run the jobs).
    /// </summary>
    public bool LocalRunner { get; set; } = true;

    /// <summary>
    /// How often at most a training job publishes its epoch checkpoint to the shared store (a cluster's blob store;
    /// nothing to publish in the embedded default). The first epoch and the finished model are always published; in
    /// between, an epoch is published when this long has passed since the last one. A job whose worker dies resumes
    /// from the last published epoch, so this bounds the training a lost worker costs; 0 publishes every epoch.
    /// </summary>
    public TimeSpan CheckpointPublishInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many jobs the local runner runs at once at most (slots permitting).</summary>
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>Where export jobs may write and import-by-path jobs may read; empty means anywhere the process may.</summary>
    public IList<string> AllowedPaths { get; set; } = new List<string>();

    /// <summary>PBKDF2-SHA256 iterations for new password hashes.</summary>
    public int PasswordIterations { get; set; } = 210_000;

    /// <summary>Login attempts allowed per account from one client address within <see cref="LoginWindow"/>.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>Login attempts allowed from one client address over all accounts within <see cref="LoginWindow"/>.</summary>
    public int MaxFailedLoginsPerSource { get; set; } = 20;

    /// <summary>Login attempts allowed at one account from all addresses within <see cref="LoginWindow"/>.</summary>
    public int MaxFailedLoginsPerAccount { get; set; } = 100;

    /// <summary>Most login-throttle counters kept in memory (least recently used ones are forgotten).</summary>
    public int LoginThrottleEntries { get; set; } = 10_000;

    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest request body the server accepts (uploads included), in bytes: 100 MiB. Bigger archives go in HOME/imports.</summary>
    public long MaxUploadBytes { get; set; } = 100L << 20;

    /// <summary>Largest image (width x height) the image API decodes; checked from the header before decoding.</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;
}
