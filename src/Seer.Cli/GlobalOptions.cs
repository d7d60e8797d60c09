using System.CommandLine;

namespace Seer.Cli;

/// <summary>Options every command accepts: the workspace folder and machine-readable output.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Home = new("--home")
    {
        Description = "Workspace folder (default: $SEER_HOME, else ~/.seer)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print machine-readable JSON on stdout",
        Recursive = true,
    };

    public static readonly Option<string?> Blobs = new("--blobs")
    {
        Description = "Blob store: s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (default: $SEER_BLOBS, else files in the workspace)",
        Recursive = true,
    };

    public static readonly Option<string?> Db = new("--db")
    {
        Description = "Job database: postgres://USER:PASS@HOST:PORT/DB (default: $SEER_DB, else SQLite in the workspace)",
        Recursive = true,
    };

    /// <summary>
    /// --blobs and --db are SEER_BLOBS and SEER_DB for this process (and the processes it starts): every library that
    /// opens the workspace or the job queue reads them from there, so the option and the variable act the same.
    /// </summary>
    public static void ApplyBackends(ParseResult parse)
    {
        if (parse.GetValue(Blobs) is { Length: > 0 } blobs)
        {
            Seer.Data.Storage.BlobStoreLocation.Parse(blobs, "--blobs"); // refuse a bad URL before any work
            Environment.SetEnvironmentVariable(Seer.Data.Storage.BlobStoreLocation.Variable, blobs);
        }
        if (parse.GetValue(Db) is { Length: > 0 } db) Environment.SetEnvironmentVariable("SEER_DB", db);
    }

    /// <summary>The workspace folder: --home, else SEER_HOME, else ~/.seer.</summary>
    public static string ResolveHome(ParseResult parse)
    {
        string? home = parse.GetValue(Home);
        if (string.IsNullOrWhiteSpace(home)) home = Environment.GetEnvironmentVariable("SEER_HOME");
        if (string.IsNullOrWhiteSpace(home))
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".seer");
        return Path.GetFullPath(home);
    }
}
