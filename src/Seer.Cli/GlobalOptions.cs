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
