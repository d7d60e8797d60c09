using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Seer.Data.Postgres;

namespace Seer.Bench;

/// <summary>
/// The scale-out services for the benchmarks that need them (BlobBench, SweepBench): PostgreSQL 15 and s3rver started
/// by the project's own <c>scripts/services.sh</c> under a folder, a fresh database per measured run, and the
/// repository's root. One copy for every benchmark; the tests have theirs in tests/Shared/ScaleServices.cs.
/// </summary>
public static class BenchServices
{
    /// <summary>The repository's root: the first parent of the benchmark's binaries holding scripts/services.sh.</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "scripts", "services.sh"))) return d.FullName;
        throw new InvalidOperationException("scripts/services.sh not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Starts PostgreSQL and s3rver with their data under <paramref name="dir"/> (stopped and deleted by the script
    /// once this process is gone, even if it is killed) and returns the exported variables: SEER_DB, SEER_BLOBS,
    /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
    /// </summary>
    public static Dictionary<string, string> Start(string root, string dir)
    {
        string output = Run("bash", Path.Combine(root, "scripts", "services.sh"), "start", dir,
            "--owner", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l[7..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('\''));
    }

    public static void Stop(string root, string dir) => Run("bash", Path.Combine(root, "scripts", "services.sh"), "stop", dir);

    /// <summary>Creates database <paramref name="name"/> on the server of <paramref name="url"/>; returns its URL.</summary>
    public static string NewDatabase(string url, string name)
    {
        using (var c = new NpgsqlConnection(PostgresDatabase.ToConnectionString(url)))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            cmd.ExecuteNonQuery();
        }
        var uri = new Uri(url);
        return $"{uri.Scheme}://{uri.UserInfo}@{uri.Authority}/{name}";
    }

    /// <summary>The 1, 5 and 15 minute load averages (the machine is shared: every figure says what ran beside it).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Runs a program to its end; its standard output, or an exception naming the exit code.</summary>
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}");
        return output;
    }
}
