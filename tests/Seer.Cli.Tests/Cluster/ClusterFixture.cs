using Seer.Data.Postgres;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using Seer.Hosting.Postgres;
using Seer.Tests.Shared;

namespace Seer.Cli.Tests.Cluster;

/// <summary>
/// A cluster of real processes on loopback for one test: a fresh PostgreSQL database and S3 prefix on the services
/// of <see cref="ScaleServices"/>, a workspace with an admin and a token, then <c>seer serve</c> and any number of
/// <c>seer worker</c>s, each a child process with its own workspace folder (a copy of the server's: the dataset
/// metadata stays SQLite until it moves to PostgreSQL; models go through the blob store). Disposing kills them all.
/// </summary>
public sealed class ClusterFixture : IAsyncDisposable
{
    private readonly List<(Process Process, StringBuilder Log)> _processes = [];

    private ClusterFixture(string root, IReadOnlyDictionary<string, string> env)
    {
        Root = root;
        Env = env;
        Home = Path.Combine(root, "server");
    }

    public string Root { get; }

    /// <summary>SEER_DB, SEER_BLOBS and the S3 keys every process gets.</summary>
    public IReadOnlyDictionary<string, string> Env { get; }

    public string Home { get; }

    public string Database => Env["SEER_DB"];

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static async Task<ClusterFixture> CreateAsync(string root)
    {
        var services = ScaleServices.Current;
        string name = "cluster_" + Guid.NewGuid().ToString("N")[..12];
        using (var c = new NpgsqlConnection(PostgresDatabase.ToConnectionString(services.Database)))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            cmd.ExecuteNonQuery();
        }
        var db = new UriBuilder(services.Database) { Path = "/" + name };
        // s3://BUCKET?endpoint=... → s3://BUCKET/PREFIX?endpoint=...: a prefix of our own in the shared bucket
        var blobs = new UriBuilder(services.Blobs) { Path = "/" + name };
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SEER_DB"] = db.Uri.ToString().TrimEnd('/'),
            ["SEER_BLOBS"] = blobs.Uri.ToString(),
            ["AWS_ACCESS_KEY_ID"] = services.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = services.SecretKey,
        };
        var fixture = new ClusterFixture(root, env);
        Directory.CreateDirectory(fixture.Home);
        await fixture.RunAsync(fixture.Home, "admin-password\n", "user", "add", "admin", "--role", "admin", "--password-stdin");
        string token = (await fixture.RunAsync(fixture.Home, null, "token", "create", "--user", "admin")).Trim();
        fixture.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return fixture;
    }

    public Uri? Server { get; private set; }

    /// <summary>Runs a CLI command on a workspace with the cluster's variables; fails the test on a non-zero exit.</summary>
    public async Task<string> RunAsync(string home, string? stdin, params string[] args)
    {
        var info = Info(home, args);
        info.RedirectStandardInput = true;
        using var p = Process.Start(info)!;
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(p.ExitCode == 0, $"seer {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>Starts <c>seer serve</c> on a free loopback port and waits for /health.</summary>
    public async Task StartServerAsync()
    {
        int port = FreePort();
        Server = new Uri($"http://127.0.0.1:{port}");
        Start(Home, "serve", "--urls", Server.ToString().TrimEnd('/'), "--name", "server");
        await WaitForAsync("the server to answer /health", async () =>
        {
            try
            {
                return (await Http.GetAsync(new Uri(Server, "/health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(3));
    }

    /// <summary>Starts <c>seer worker --name NAME --cpu N</c> on a copy of the server's workspace.</summary>
    public Process StartWorker(string name, int cpu)
    {
        string home = Path.Combine(Root, name);
        CopyWorkspace(Home, home);
        return Start(home, "worker", "--name", name, "--cpu", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>GET a JSON document from the server.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await Http.GetAsync(new Uri(Server!, path));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body)
    {
        var response = await Http.PostAsync(new Uri(Server!, path),
            new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Waits (polling every 250 ms) until <paramref name="condition"/> holds; fails naming what it waited for.</summary>
    public async Task WaitForAsync(string what, Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) Assert.Fail($"timed out after {timeout} waiting for {what}\n{Logs()}");
            await Task.Delay(250);
        }
    }

    /// <summary>Everything the processes printed so far (for failure messages).</summary>
    public string Logs()
    {
        var text = new StringBuilder();
        lock (_processes)
            foreach (var (p, log) in _processes)
                lock (log) text.Append("--- process ").Append(p.Id).Append('\n').Append(log);
        return text.ToString();
    }

    private Process Start(string home, params string[] args)
    {
        var p = Process.Start(Info(home, args))!;
        var log = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        lock (_processes) _processes.Add((p, log));
        return p;
    }

    private ProcessStartInfo Info(string home, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = CliProcess.RepoRoot,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "seer.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--home");
        info.ArgumentList.Add(home);
        foreach (var (k, v) in Env) info.Environment[k] = v;
        return info;
    }

    private static void CopyWorkspace(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (p, _) in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        Http.Dispose();
    }
}
