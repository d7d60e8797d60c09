using System.Diagnostics;

namespace Seer.Tests.Shared;

/// <summary>
/// The scale-out services (PostgreSQL 15 and the S3 server) for tests, started once per test process with
/// <c>scripts/services.sh start DIR --owner PID</c> under a fresh temp folder; the script's watchdog stops them and
/// deletes the folder once this process is gone (even when it is killed).
/// Exposes the four variables the script prints; tests pass them explicitly instead of changing the process's
/// environment, so the embedded default stays what every other test sees.
/// </summary>
public sealed class ScaleServices
{
    private static readonly Lazy<ScaleServices> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private ScaleServices(string dir, IReadOnlyDictionary<string, string> env)
    {
        Dir = dir;
        Env = env;
    }

    /// <summary>The running services (started on first use; a failure to start fails the test with the script's output).</summary>
    public static ScaleServices Current => Instance.Value;

    public string Dir { get; }

    /// <summary>SEER_DB, SEER_BLOBS, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY as the script printed them.</summary>
    public IReadOnlyDictionary<string, string> Env { get; }

    public string Database => Env["SEER_DB"];

    public string Blobs => Env["SEER_BLOBS"];

    public string AccessKey => Env["AWS_ACCESS_KEY_ID"];

    public string SecretKey => Env["AWS_SECRET_ACCESS_KEY"];

    /// <summary>
    /// A fresh, empty database on the test PostgreSQL server (its own name, so tests never see each other's rows);
    /// its postgres:// URL.
    /// </summary>
    public static string NewDatabase()
    {
        string url = Current.Database;
        string name = "t_" + Guid.NewGuid().ToString("N");
        using (var c = new Npgsql.NpgsqlConnection(Seer.Data.Postgres.PostgresDatabase.ToConnectionString(url)))
        {
            c.Open();
            using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", c);
            cmd.ExecuteNonQuery();
        }
        var uri = new Uri(url);
        return $"{uri.Scheme}://{uri.UserInfo}@{uri.Authority}/{name}";
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> on the PostgreSQL database <paramref name="url"/>, as a long (a count).</summary>
    public static long Scalar(string url, string sql)
    {
        using var c = new Npgsql.NpgsqlConnection(Seer.Data.Postgres.PostgresDatabase.ToConnectionString(url));
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many of <paramref name="tables"/> the workspace folder's local seer.db holds (none, when a store's tables are in PostgreSQL).</summary>
    public static long LocalTables(string home, params string[] tables)
    {
        using var local = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(home, "seer.db")};Pooling=False");
        local.Open();
        using var cmd = local.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ({string.Join(", ", tables.Select((_, i) => "$t" + i))})";
        for (int i = 0; i < tables.Length; i++) cmd.Parameters.AddWithValue("$t" + i, tables[i]);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The repository root (the folder holding scripts/services.sh).</summary>
    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "scripts", "services.sh"))) return d.FullName;
        throw new InvalidOperationException("scripts/services.sh not found above " + AppContext.BaseDirectory);
    }

    private static ScaleServices Start()
    {
        string script = Path.Combine(RepositoryRoot(), "scripts", "services.sh");
        string dir = Path.Combine(Path.GetTempPath(), $"seer-services-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var (code, stdout, stderr) = Run(script, "start", dir, "--owner", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (code != 0)
            throw new InvalidOperationException($"scripts/services.sh start {dir} exited {code}:\n{stderr}\n{stdout}");
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("export ", StringComparison.Ordinal)) continue;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            env[line[7..eq]] = line[(eq + 1)..].Trim('\'');
        }
        foreach (var key in new[] { "SEER_DB", "SEER_BLOBS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
            if (!env.ContainsKey(key)) throw new InvalidOperationException($"scripts/services.sh printed no {key}:\n{stdout}");
        return new ScaleServices(dir, env);
    }

    private static (int Code, string Stdout, string Stderr) Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("bash", [script, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, stdout, "timed out after 5 minutes\n" + err.Result);
        }
        return (p.ExitCode, stdout, err.Result);
    }
}
