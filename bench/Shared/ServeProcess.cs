using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Seer.Bench;

/// <summary>
/// `seer serve` (a built seer.dll) as a separate process on 127.0.0.1 over a fresh workspace, with an admin and its
/// token, for the benchmarks that load a running server from outside (LoadBench, ServerHeapBench). Disposing it kills
/// the server and deletes the workspace.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    private readonly Process _server;

    private ServeProcess(Process server, string home, HttpClient http)
    {
        _server = server;
        Home = home;
        Http = http;
    }

    /// <summary>The workspace folder (deleted on dispose).</summary>
    public string Home { get; }

    /// <summary>A client signed in as the admin, its base address the server.</summary>
    public HttpClient Http { get; }

    public int Pid => _server.Id;

    /// <summary>
    /// Makes a workspace, an admin and a token with the CLI, starts the server with <paramref name="environment"/>
    /// (null values remove a variable) and waits until /health answers.
    /// </summary>
    public static async Task<ServeProcess> StartAsync(string cli, int port, IReadOnlyDictionary<string, string?>? environment = null)
    {
        string home = Path.Combine(Path.GetTempPath(), "seer-bench-serve-" + Guid.NewGuid().ToString("N"));
        string url = $"http://127.0.0.1:{port}";
        Run(cli, $"--home {home} user add bench --role admin --password-stdin", "bench-password-1");
        string token = Run(cli, $"--home {home} token create --user bench", null).Trim();
        var info = new ProcessStartInfo("dotnet", $"{cli} --home {home} serve --urls {url}")
            { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        var server = Process.Start(info)!;
        // Drain the server's output so a full pipe never blocks it.
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var serve = new ServeProcess(server, home, http);
        for (int i = 0; ; i++)
        {
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return serve;
            }
            catch (HttpRequestException) when (i < 600)
            {
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Imports the labelme VOC sample (.data, scripts/fetch-data.sh) as dataset "voc" and waits for the job.</summary>
    public async Task ImportVocSampleAsync(string root)
    {
        var job = await (await Http.PostAsJsonAsync("/api/datasets/import",
            new { dataset = "voc", format = "voc", path = Path.Combine(root, ".data", "labelme", "bbox_detection", "data_dataset_voc") }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        await Http.GetStringAsync($"/api/jobs/{job.GetProperty("id").GetInt64()}/wait");
    }

    /// <summary>
    /// <paramref name="total"/> calls spread over <paramref name="clients"/> concurrent loops: requests/s and the p50 and
    /// p99 latency in ms (every answer must succeed).
    /// </summary>
    public static async Task<(double Rps, double P50, double P99)> MeasureAsync(HttpClient http, int clients, int total,
        Func<HttpClient, Task<HttpResponseMessage>> call)
    {
        var latencies = new double[total];
        int next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                long start = Stopwatch.GetTimestamp();
                using var response = await call(http);
                response.EnsureSuccessStatusCode();
                await response.Content.LoadIntoBufferAsync();
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (total / seconds, latencies[(int)(0.50 * (total - 1))], latencies[(int)Math.Ceiling(0.99 * (total - 1))]);
    }

    /// <summary>The repository root (the folder holding Seer.sln above the program), else the current folder.</summary>
    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>An integer option's value (<c>--name N</c>), else <paramref name="fallback"/>.</summary>
    public static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Run(string cli, string args, string? stdin)
    {
        using var p = Process.Start(new ProcessStartInfo("dotnet", $"{cli} {args}") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        if (stdin is not null) p.StandardInput.WriteLine(stdin);
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"seer {args} failed ({p.ExitCode})");
        return output;
    }

    public void Dispose()
    {
        Http.Dispose();
        _server.Kill(entireProcessTree: true);
        _server.WaitForExit();
        _server.Dispose();
        Directory.Delete(Home, recursive: true);
    }
}
