using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Seer.Bench;
using Seer.Training.Engine;

// bench/SweepBench: a parameter sweep of N training sets (default 8), each a training job with one CPU thread,
// submitted to a cluster of ONE single-thread worker, then to a cluster of TWO, in one run: wall time of each, their
// ratio, and the best set picked as `seer train` picks it (TrainingJob.PickBest: highest validation metric, earliest
// on a tie). The server and the workers are the real CLI (seer.dll) as child processes on loopback, on PostgreSQL +
// S3 (s3rver) started with scripts/services.sh. Each cluster gets its own database, S3 prefix and workspace copies.
//
//   dotnet run -c Release --project bench/SweepBench -- [--sets 8] [--images 2000] [--epochs 8] [--cold]

int sets = Arg("--sets", 8), images = Arg("--images", 2000), epochs = Arg("--epochs", 8);
bool cold = args.Contains("--cold"); // no warm-up job: each worker's first sweep job also copies the dataset and JIT-compiles
string root = BenchServices.RepoRoot();
string work = Path.Combine(Path.GetTempPath(), $"seer-sweepbench-{Environment.ProcessId}");
Directory.CreateDirectory(work);
string services = Path.Combine(work, "services");
var env = BenchServices.Start(root, services);
try
{
    Console.WriteLine($"SweepBench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {BenchServices.LoadAverage()} at start");
    Console.WriteLine($"sweep: {sets} sets (learning rate x batch), classify, {images} Fashion-MNIST images 28 px, {epochs} epochs, 1 CPU thread per job");
    string data = Seer.Tests.Shared.FashionSubset.Write(work, images);
    var parameterSets = Enumerable.Range(0, sets).Select(i => new Dictionary<string, object>
    {
        ["train"] = "fashion",
        ["task"] = "classify",
        ["image_size"] = 28,
        ["epochs"] = epochs,
        ["batch_size"] = i % 2 == 0 ? 16 : 32,
        ["learning_rate"] = 1e-3 * Math.Pow(2, i / 2),
        ["seed"] = 1,
    }).ToList();
    var one = await RunClusterAsync(1);
    var two = await RunClusterAsync(2);
    Console.WriteLine();
    Console.WriteLine($"| cluster | wall seconds | jobs/min |");
    Console.WriteLine($"|---|---|---|");
    Console.WriteLine(FormattableString.Invariant($"| 1 worker x 1 thread (baseline) | {one.Seconds:0.0} | {sets / one.Seconds * 60:0.00} |"));
    Console.WriteLine(FormattableString.Invariant($"| 2 workers x 1 thread | {two.Seconds:0.0} | {sets / two.Seconds * 60:0.00} |"));
    Console.WriteLine(FormattableString.Invariant($"ratio two/one = {two.Seconds / one.Seconds:0.000} (aim <= 0.55)"));
    foreach (var (label, run) in new[] { ("1 worker", one), ("2 workers", two) })
        Console.WriteLine(FormattableString.Invariant(
            $"best set ({label}): #{run.Best + 1} {JsonSerializer.Serialize(parameterSets[run.Best])} → model {run.Models[run.Best]}, val metric {run.Values[run.Best]:0.0000}; jobs per worker: {string.Join(", ", run.PerWorker.Select(p => $"{p.Key} {p.Value}"))}"));
    Console.WriteLine($"load average at the end: {BenchServices.LoadAverage()} (other engineers' builds and tests share the 2 cores)");

    async Task<SweepRun> RunClusterAsync(int workers)
    {
        string name = $"sweep{workers}_{Environment.ProcessId}";
        var clusterEnv = new Dictionary<string, string>(env)
        {
            ["SEER_DB"] = BenchServices.NewDatabase(env["SEER_DB"], name),
            ["SEER_BLOBS"] = new UriBuilder(env["SEER_BLOBS"]) { Path = "/" + name }.Uri.ToString(),
        };
        string home = Path.Combine(work, name, "server");
        Directory.CreateDirectory(home);
        Cli(home, clusterEnv, "admin-password\n", "user", "add", "admin", "--role", "admin", "--password-stdin");
        string token = Cli(home, clusterEnv, null, "token", "create", "--user", "admin").Trim();
        Cli(home, clusterEnv, null, "dataset", "import", data, "--format", "idx", "--name", "fashion");
        var processes = new List<Process>();
        try
        {
            for (int w = 1; w <= workers; w++)
            {
                string wh = Path.Combine(work, name, $"w{w}");
                CopyTree(home, wh);
                processes.Add(Start(wh, clusterEnv, "worker", "--name", $"w{w}", "--cpu", "1"));
            }
            int port = FreePort();
            var server = new Uri($"http://127.0.0.1:{port}");
            processes.Add(Start(home, clusterEnv, "serve", "--urls", server.ToString().TrimEnd('/'), "--name", "server"));
            using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await WaitAsync($"{workers} active worker(s)", async () =>
            {
                try
                {
                    using var list = JsonDocument.Parse(await http.GetStringAsync("/api/workers"));
                    return list.RootElement.EnumerateArray().Count(w => w.GetProperty("state").GetString() == "active") == workers;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            });
            if (!cold)
            {
                // Steady state: one untimed 1-epoch job per worker first, so every worker has copied the dataset from
                // S3 to its local blob copies and compiled the training code, in both clusters alike (--cold skips it).
                var warm = new List<long>();
                for (int w = 0; w < workers; w++)
                {
                    var response = await http.PostAsync("/api/jobs", new StringContent(JsonSerializer.Serialize(new
                    {
                        kind = "training", cpu_threads = 1,
                        parameters = new Dictionary<string, object>(parameterSets[0]) { ["epochs"] = 1 },
                    }), Encoding.UTF8, "application/json"));
                    warm.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64());
                }
                var where = new List<string>();
                foreach (long id in warm)
                {
                    JsonElement job = default;
                    await WaitAsync($"warm-up job {id}", async () =>
                    {
                        job = JsonDocument.Parse(await http.GetStringAsync($"/api/jobs/{id}/wait?timeout=60")).RootElement.Clone();
                        return job.GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled";
                    });
                    if (job.GetProperty("state").GetString() != "succeeded") throw new InvalidOperationException($"warm-up job {id}: {job.GetProperty("error")}");
                    where.Add(job.GetProperty("worker").GetString()!);
                }
                Console.WriteLine($"{workers} worker(s): warm-up (untimed), one 1-epoch job each, ran on {string.Join(", ", where)}");
            }
            var cpuAtStart = processes.Select(p => CpuSeconds(p.Id)).ToList();
            var clock = Stopwatch.StartNew();
            var ids = new List<long>();
            foreach (var p in parameterSets)
            {
                var response = await http.PostAsync("/api/jobs", new StringContent(
                    JsonSerializer.Serialize(new { kind = "training", parameters = p, cpu_threads = 1 }), Encoding.UTF8, "application/json"));
                string body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"submit: {(int)response.StatusCode} {body}");
                ids.Add(JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64());
            }
            // long polls (GET /api/jobs/{id}/wait), one job after the other: the bench's own requests stay off the
            // two cores the workers need
            var jobs = new JsonElement[ids.Count];
            for (int i = 0; i < ids.Count; i++)
            {
                int index = i;
                await WaitAsync($"job {ids[i]} to end", async () =>
                {
                    jobs[index] = JsonDocument.Parse(await http.GetStringAsync($"/api/jobs/{ids[index]}/wait?timeout=60")).RootElement.Clone();
                    return jobs[index].GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled";
                });
            }
            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine("CPU seconds of the cluster's processes during the run: " + string.Join(", ",
                processes.Select((p, i) => FormattableString.Invariant($"{(i < workers ? $"w{i + 1}" : "server")} {CpuSeconds(p.Id) - cpuAtStart[i]:0.0}"))));
            if (jobs.FirstOrDefault(j => j.GetProperty("state").GetString() != "succeeded") is { ValueKind: JsonValueKind.Object } bad)
                throw new InvalidOperationException($"job {bad.GetProperty("id")} did not succeed: {bad.GetProperty("error")}");
            var values = jobs.Select(j => j.GetProperty("result").GetProperty("primary_value").GetDouble()).ToList();
            var models = jobs.Select(j => j.GetProperty("result").GetProperty("model").GetString()!).ToList();
            var perWorker = jobs.GroupBy(j => j.GetProperty("worker").GetString()!).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count());
            Console.WriteLine(FormattableString.Invariant($"{workers} worker(s): {sets} jobs in {seconds:0.0} s (load average {BenchServices.LoadAverage()})"));
            Console.WriteLine("| set | learning rate | batch | worker | queued s | run s | val metric |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            for (int i = 0; i < jobs.Length; i++)
            {
                double Seconds(string key) => jobs[i].TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
                Console.WriteLine(FormattableString.Invariant(
                    $"| {i + 1} | {parameterSets[i]["learning_rate"]:0.####} | {parameterSets[i]["batch_size"]} | {jobs[i].GetProperty("worker").GetString()} | {Seconds("queued_seconds"):0.0} | {Seconds("run_seconds"):0.0} | {values[i]:0.0000} |"));
            }
            return new SweepRun(seconds, TrainingJob.PickBest(values), values, models, perWorker);
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.WaitForExit();
                p.Dispose();
            }
        }
    }
}
finally
{
    BenchServices.Stop(root, services);
    try { Directory.Delete(work, recursive: true); } catch (IOException) { }
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task WaitAsync(string what, Func<Task<bool>> condition)
{
    var watch = Stopwatch.StartNew();
    while (!await condition())
    {
        if (watch.Elapsed > TimeSpan.FromMinutes(60)) throw new TimeoutException($"waited an hour for {what}");
        await Task.Delay(500);
    }
}

static string Cli(string home, IReadOnlyDictionary<string, string> env, string? stdin, params string[] args)
{
    var info = Info(home, env, args);
    info.RedirectStandardInput = true;
    using var p = Process.Start(info)!;
    if (stdin is not null) p.StandardInput.Write(stdin);
    p.StandardInput.Close();
    var err = p.StandardError.ReadToEndAsync();
    string output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"seer {string.Join(' ', args)} exited {p.ExitCode}: {err.Result}");
    return output;
}

static Process Start(string home, IReadOnlyDictionary<string, string> env, params string[] args)
{
    var info = Info(home, env, args);
    var p = Process.Start(info)!;
    p.OutputDataReceived += (_, _) => { };
    p.ErrorDataReceived += (_, e) => { if (e.Data is { } line && line.Contains("error", StringComparison.OrdinalIgnoreCase)) Console.Error.WriteLine($"[{args[0]}] {line}"); };
    p.BeginOutputReadLine();
    p.BeginErrorReadLine();
    return p;
}

static ProcessStartInfo Info(string home, IReadOnlyDictionary<string, string> env, string[] args)
{
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "seer.dll"));
    foreach (string a in args) info.ArgumentList.Add(a);
    info.ArgumentList.Add("--home");
    info.ArgumentList.Add(home);
    foreach (var (k, v) in env) info.Environment[k] = v;
    return info;
}

static void CopyTree(string from, string to)
{
    Directory.CreateDirectory(to);
    foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
    // not the local copies of S3 blobs: each worker makes its own, on the jobs' time
    foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        if (!Path.GetRelativePath(from, file).StartsWith("blob-cache", StringComparison.Ordinal))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
}

// user + system CPU seconds of a process so far (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s)
static double CpuSeconds(int pid)
{
    string stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

static int FreePort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}

internal sealed record SweepRun(double Seconds, int Best, IReadOnlyList<double> Values, IReadOnlyList<string> Models, IReadOnlyDictionary<string, int> PerWorker);
