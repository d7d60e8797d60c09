// ServerHeapBench: what the training malloc tuning (Seer.Training's NativeHeap: one arena, no per-block mmap, 1 GiB
// trim threshold) did to the server when it was applied to every process that loaded Seer.Training. Starts `seer serve`
// (a built seer.dll) twice on fresh workspaces, in the same run: "tuned" with that tuning set as MALLOC_ARENA_MAX=1,
// MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_=1073741824 (the values mallopt set; the launcher set the same for every
// command), and "glibc defaults" (what the server runs with now), in the order A-B-B-A. Each imports the labelme VOC sample, then a bounded
// loop at 16 concurrent clients hits GET /health and GET /api/datasets/voc/images (thumbnail-free JSON listing); the
// table prints requests/s, p50 latency and the server's RSS (VmRSS) and peak (VmHWM) after the load.
//   dotnet run -c Release --project bench/ServerHeapBench -- [--cli PATH/seer.dll] [--requests 4000] [--port 5411]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;

int requests = ArgValue("--requests", 4000);
int port = ArgValue("--port", 5411);
string root = FindRoot();
string cli = ArgString("--cli") ?? Path.Combine(root, ".build", "cli", "seer.dll");
if (!File.Exists(cli)) { Console.Error.WriteLine($"build the CLI first (./seer --help) or pass --cli: {cli} is missing"); return 2; }
Console.WriteLine($"ServerHeapBench: seer serve (separate process), {requests} requests per row at 16 clients, {Environment.ProcessorCount} cores shared");
Console.WriteLine($"{"malloc",-16} {"endpoint",-28} {"req/s",9} {"p50 ms",8} {"RSS MB",8} {"peak MB",8}");
var rows = new List<(string Mode, double Health, double Listing, double Rss)>();
var defaults = ("glibc defaults", new Dictionary<string, string> { ["SEER_MALLOC_TUNING"] = "0" });
var tuned = ("tuned (before)", new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "1", ["MALLOC_MMAP_MAX_"] = "0", ["MALLOC_TRIM_THRESHOLD_"] = "1073741824" });
// A-B-B-A order, so a drift in the machine's load weighs on both alike.
foreach (var (mode, env) in new[] { defaults, tuned, tuned, defaults })
{
    string home = Path.Combine(Path.GetTempPath(), "seer-heapbench-" + Guid.NewGuid().ToString("N"));
    string url = $"http://127.0.0.1:{port}";
    Run(cli, $"--home {home} user add bench --role admin --password-stdin", "bench-password-1");
    string token = Run(cli, $"--home {home} token create --user bench", null).Trim();
    var info = new ProcessStartInfo("dotnet", $"{cli} --home {home} serve --urls {url}")
        { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
    info.Environment.Remove("MALLOC_ARENA_MAX");
    info.Environment.Remove("MALLOC_MMAP_MAX_");
    info.Environment.Remove("MALLOC_TRIM_THRESHOLD_");
    foreach (var (k, v) in env) info.Environment[k] = v;
    using var server = Process.Start(info)!;
    server.OutputDataReceived += (_, _) => { };
    server.ErrorDataReceived += (_, _) => { };
    server.BeginOutputReadLine();
    server.BeginErrorReadLine();
    try
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        for (int i = 0; ; i++)
        {
            try { if ((await http.GetAsync("/health")).IsSuccessStatusCode) break; }
            catch (HttpRequestException) when (i < 600) { }
            await Task.Delay(100);
        }
        var job = await (await http.PostAsJsonAsync("/api/datasets/import",
            new { dataset = "voc", format = "voc", path = Path.Combine(root, ".data", "labelme", "bbox_detection", "data_dataset_voc") }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        await http.GetStringAsync($"/api/jobs/{job.GetProperty("id").GetInt64()}/wait");
        await Measure(http, 4, 200, c => c.GetAsync("/api/datasets/voc/images")); // warm-up
        var health = await Measure(http, 16, requests, c => c.GetAsync("/health"));
        var listing = await Measure(http, 16, requests, c => c.GetAsync("/api/datasets/voc/images"));
        var (rss, peak) = Memory(server.Id);
        Console.WriteLine($"{mode,-16} {"GET /health",-28} {health.Rps,9:0} {health.P50,8:0.0} {"",8} {"",8}");
        Console.WriteLine($"{mode,-16} {"GET /api/datasets/voc/images",-28} {listing.Rps,9:0} {listing.P50,8:0.0} {rss,8:0} {peak,8:0}");
        rows.Add((mode, health.Rps, listing.Rps, rss));
    }
    finally
    {
        server.Kill(entireProcessTree: true);
        server.WaitForExit();
        Directory.Delete(home, recursive: true);
    }
}
double Mean(string mode, Func<(string Mode, double Health, double Listing, double Rss), double> value) => rows.Where(r => r.Mode == mode).Average(value);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"mean of two runs each: defaults /health {Mean(defaults.Item1, r => r.Health):0} req/s, listing {Mean(defaults.Item1, r => r.Listing):0} req/s, RSS {Mean(defaults.Item1, r => r.Rss):0} MB; " +
    $"tuned /health {Mean(tuned.Item1, r => r.Health):0}, listing {Mean(tuned.Item1, r => r.Listing):0}, RSS {Mean(tuned.Item1, r => r.Rss):0} MB; " +
    $"tuned / defaults: /health {Mean(tuned.Item1, r => r.Health) / Mean(defaults.Item1, r => r.Health):0.00}x, listing {Mean(tuned.Item1, r => r.Listing) / Mean(defaults.Item1, r => r.Listing):0.00}x, RSS {Mean(tuned.Item1, r => r.Rss) / Mean(defaults.Item1, r => r.Rss):0.00}x"));
return 0;

static (double RssMb, double PeakMb) Memory(int pid)
{
    double Kb(string key) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(key, StringComparison.Ordinal))
        .Select(l => double.Parse(l.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).FirstOrDefault();
    return (Kb("VmRSS") / 1024, Kb("VmHWM") / 1024);
}

static async Task<(double Rps, double P50)> Measure(HttpClient http, int clients, int total, Func<HttpClient, Task<HttpResponseMessage>> call)
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
    return (total / seconds, latencies[(int)(0.50 * (total - 1))]);
}

static string Run(string cli, string args, string? stdin)
{
    var p = Process.Start(new ProcessStartInfo("dotnet", $"{cli} {args}") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
    if (stdin is not null) p.StandardInput.WriteLine(stdin);
    p.StandardInput.Close();
    string output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"seer {args} failed ({p.ExitCode})");
    return output;
}

int ArgValue(string name, int fallback) => ArgString(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? ArgString(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
