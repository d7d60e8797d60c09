// LoadBench: starts `seer serve` (the built CLI, .build/cli/seer.dll) as a separate process on 127.0.0.1 with a fresh
// workspace, sets up an admin token, the labelme VOC sample and the face detector, then drives a bounded loop of
// requests at 1, 4 and 16 concurrent clients against GET /health (the bare baseline), GET /api/datasets and the
// image API (POST /api/models/faces/analyze), printing requests/s and p50/p99 latency, and the ratio to /health.
//   dotnet run -c Release --project bench/LoadBench -- [--requests 200] [--port 5399]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;

int requests = ArgValue("--requests", 200);
int port = ArgValue("--port", 5399);
string root = FindRoot();
string cli = Path.Combine(root, ".build", "cli", "seer.dll");
if (!File.Exists(cli)) { Console.Error.WriteLine($"build the CLI first (./seer --help): {cli} is missing"); return 2; }
string home = Path.Combine(Path.GetTempPath(), "seer-loadbench-" + Guid.NewGuid().ToString("N"));
string url = $"http://127.0.0.1:{port}";

Run(cli, $"--home {home} user add bench --role admin --password-stdin", "bench-password-1");
string token = Run(cli, $"--home {home} token create --user bench", null).Trim();
using var server = Process.Start(new ProcessStartInfo("dotnet", $"{cli} --home {home} serve --urls {url}")
    { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
// Drain the server's output so a full pipe never blocks it.
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
        catch (HttpRequestException) when (i < 300) { }
        await Task.Delay(100);
    }
    string manifest = Path.Combine(home, "fr_detect.seer.json");
    File.WriteAllText(manifest, """
        {"task": "detect", "class_names": ["face"], "input_width": 320, "input_height": 240, "input_layout": "nchw",
         "channel_order": "rgb", "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
         "output_layout": "boxes_scores", "output_names": ["boxes", "scores"], "box_format": "xyxy",
         "boxes_normalized": true, "background_column": 0}
        """);
    (await http.PostAsJsonAsync("/api/models", new { name = "faces", onnx_path = Path.Combine(root, ".data", "faces", "fr_detect.onnx"), manifest_path = manifest }))
        .EnsureSuccessStatusCode();
    var job = await (await http.PostAsJsonAsync("/api/datasets/import",
        new { dataset = "voc", format = "voc", path = Path.Combine(root, ".data", "labelme", "bbox_detection", "data_dataset_voc") })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
    await http.GetStringAsync($"/api/jobs/{job.GetProperty("id").GetInt64()}/wait");
    byte[] photo = File.ReadAllBytes(Path.Combine(root, ".data", "faces", "sample1.jpg"));

    Console.WriteLine($"LoadBench: seer serve on {url} (separate process), {requests} requests per row, {Environment.ProcessorCount} cores shared");
    Console.WriteLine($"{"endpoint",-28} {"clients",7} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"req/s vs /health",17}");
    foreach (int clients in new[] { 1, 4, 16 })
    {
        var health = await Measure(http, clients, requests, c => c.GetAsync("/health"));
        Print("GET /health (baseline)", clients, health, health.Rps);
        Print("GET /api/datasets", clients, await Measure(http, clients, requests, c => c.GetAsync("/api/datasets")), health.Rps);
        Print("POST image API (1920 px)", clients, await Measure(http, clients, Math.Max(clients * 4, requests / 5), c =>
        {
            var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "image", "sample1.jpg" } };
            return c.PostAsync("/api/models/faces/analyze?threshold=0.7", form);
        }), health.Rps);
    }
}
finally
{
    server.Kill(entireProcessTree: true);
    server.WaitForExit();
    Directory.Delete(home, recursive: true);
}
return 0;

static async Task<(double Rps, double P50, double P99)> Measure(HttpClient http, int clients, int total, Func<HttpClient, Task<HttpResponseMessage>> call)
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

static void Print(string name, int clients, (double Rps, double P50, double P99) r, double baseline) =>
    Console.WriteLine($"{name,-28} {clients,7} {r.Rps,9:0.0} {r.P50,8:0.0} {r.P99,8:0.0} {r.Rps / baseline,17:0.000}");

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

int ArgValue(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
