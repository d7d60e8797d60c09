// ServerHeapBench: what the training malloc tuning (Seer.Training's NativeHeap: one arena, no per-block mmap, 1 GiB
// trim threshold) did to the server when it was applied to every process that loaded Seer.Training. Starts `seer serve`
// (a built seer.dll) twice on fresh workspaces, in the same run: "tuned" with that tuning set as MALLOC_ARENA_MAX=1,
// MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_=1073741824 (the values mallopt set; the launcher set the same for every
// command), and "glibc defaults" (what the server runs with now), in the order A-B-B-A. Each imports the labelme VOC sample, then a bounded
// loop at 16 concurrent clients hits GET /health and GET /api/datasets/voc/images (thumbnail-free JSON listing); the
// table prints requests/s, p50 latency and the server's RSS (VmRSS) and peak (VmHWM) after the load.
//   dotnet run -c Release --project bench/ServerHeapBench -- [--cli PATH/seer.dll] [--requests 4000] [--port 5411]
using System.Globalization;
using Seer.Bench;

int requests = ServeProcess.IntOption(args, "--requests", 4000);
int port = ServeProcess.IntOption(args, "--port", 5411);
string root = ServeProcess.FindRoot();
string cli = ServeProcess.StringOption(args, "--cli") ?? Path.Combine(root, ".build", "cli", "seer.dll");
if (!File.Exists(cli)) { Console.Error.WriteLine($"build the CLI first (./seer --help) or pass --cli: {cli} is missing"); return 2; }
Console.WriteLine($"ServerHeapBench: seer serve (separate process), {requests} requests per row at 16 clients, {Environment.ProcessorCount} cores shared");
Console.WriteLine($"{"malloc",-16} {"endpoint",-28} {"req/s",9} {"p50 ms",8} {"RSS MB",8} {"peak MB",8}");
var rows = new List<(string Mode, double Health, double Listing, double Rss)>();
// The malloc variables are removed from what the server inherits, then each mode sets its own.
var defaults = ("glibc defaults", new Dictionary<string, string?>
{
    ["MALLOC_ARENA_MAX"] = null, ["MALLOC_MMAP_MAX_"] = null, ["MALLOC_TRIM_THRESHOLD_"] = null, ["SEER_MALLOC_TUNING"] = "0",
});
var tuned = ("tuned (before)", new Dictionary<string, string?> { ["MALLOC_ARENA_MAX"] = "1", ["MALLOC_MMAP_MAX_"] = "0", ["MALLOC_TRIM_THRESHOLD_"] = "1073741824" });
// A-B-B-A order, so a drift in the machine's load weighs on both alike.
foreach (var (mode, env) in new[] { defaults, tuned, tuned, defaults })
{
    using var serve = await ServeProcess.StartAsync(cli, port, env);
    var http = serve.Http;
    await serve.ImportVocSampleAsync(root);
    await ServeProcess.MeasureAsync(http, 4, 200, c => c.GetAsync("/api/datasets/voc/images")); // warm-up
    var health = await ServeProcess.MeasureAsync(http, 16, requests, c => c.GetAsync("/health"));
    var listing = await ServeProcess.MeasureAsync(http, 16, requests, c => c.GetAsync("/api/datasets/voc/images"));
    var (rss, peak) = Memory(serve.Pid);
    Console.WriteLine($"{mode,-16} {"GET /health",-28} {health.Rps,9:0} {health.P50,8:0.0} {"",8} {"",8}");
    Console.WriteLine($"{mode,-16} {"GET /api/datasets/voc/images",-28} {listing.Rps,9:0} {listing.P50,8:0.0} {rss,8:0} {peak,8:0}");
    rows.Add((mode, health.Rps, listing.Rps, rss));
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
