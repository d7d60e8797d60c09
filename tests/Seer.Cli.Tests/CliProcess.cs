using System.Diagnostics;

namespace Seer.Cli.Tests;

/// <summary>
/// The built CLI (seer.dll beside the tests) as a child process, started from the repository root, with
/// <c>--home HOME</c> appended when a workspace is given. Every CLI test runs the real program through here.
/// </summary>
public static class CliProcess
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Starts the CLI with stdout and stderr redirected (the caller reads them).</summary>
    public static Process Start(string? home, IEnumerable<string> args) => Start(home, args, null, []);

    /// <summary>
    /// Starts the CLI with extra environment variables, behind <paramref name="wrapper"/> (a program and its arguments
    /// that then run dotnet, e.g. setpriv) when one is given.
    /// </summary>
    public static Process Start(string? home, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment,
        IReadOnlyList<string> wrapper)
    {
        var info = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (string w in wrapper.Skip(1)) info.ArgumentList.Add(w);
        if (wrapper.Count > 0) info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "seer.dll"));
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        foreach (string a in args) info.ArgumentList.Add(a);
        if (home is not null)
        {
            info.ArgumentList.Add("--home");
            info.ArgumentList.Add(home);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the CLI");
    }

    /// <summary>Runs the CLI to its end (at most <paramref name="timeout"/>): exit code, stdout, trimmed stderr.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string? home, TimeSpan timeout, params string[] args)
    {
        using Process p = Start(home, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(timeout);
        return (p.ExitCode, await stdout, (await stderr).Trim());
    }

    public static (int Code, string Stdout, string Stderr) Run(string? home, params string[] args) =>
        RunAsync(home, TimeSpan.FromMinutes(2), args).GetAwaiter().GetResult();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory);
    }
}
