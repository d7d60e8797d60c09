// SearchBench: Seer's exact and HNSW search beside FAISS IndexFlatIP and hnswlib on identical vectors.
//   dotnet run -c Release --project bench/SearchBench -- [--sizes 100000,1000000] [--dim 512] [--queries 1000]
//       [--hnsw-sizes 100000] [--m 16] [--ef-construction 200] [--efs 32,64,128] [--out DIR] [--no-peers]
//       [--hnsw-sets uniform-100k,clustered-100k,clustered-1000k] [--openblas DIR]
// Per dataset: writes base/queries as .npy into DIR, runs Seer, then /usr/bin/python3 peers.py on the same files
// (right after, so both sides meet the same machine load), and prints both sides with ratios at the end; each
// dataset's line is also printed as soon as it is done. With --openblas DIR (a folder holding OpenBLAS's
// libblas.so.3) the peers run on OpenBLAS instead of Debian's default reference BLAS. Exact QPS at 1 and 2 threads (batched k:N queries); HNSW built on 2 threads both sides,
// searched on 1 thread; recall@10 against exact search.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Search;

var options = ParseArgs(args);
int[] sizes = Ints(options.GetValueOrDefault("sizes", "100000,1000000"));
int[] hnswSizes = Ints(options.GetValueOrDefault("hnsw-sizes", "100000"));
int dim = int.Parse(options.GetValueOrDefault("dim", "512"), CultureInfo.InvariantCulture);
int queries = int.Parse(options.GetValueOrDefault("queries", "1000"), CultureInfo.InvariantCulture);
int m = int.Parse(options.GetValueOrDefault("m", "16"), CultureInfo.InvariantCulture);
int efC = int.Parse(options.GetValueOrDefault("ef-construction", "200"), CultureInfo.InvariantCulture);
int[] efs = Ints(options.GetValueOrDefault("efs", "32,64,128"));
string outDir = Path.GetFullPath(options.GetValueOrDefault("out", Path.Combine(Path.GetTempPath(), "seer-searchbench")));
bool peers = !options.ContainsKey("no-peers");
string[]? hnswSets = options.TryGetValue("hnsw-sets", out var setsText) ? setsText.Split(',') : null;
string[] kinds = options.GetValueOrDefault("kinds", "uniform,clustered").Split(',');
int buildThreads = int.Parse(options.GetValueOrDefault("build-threads", "2"), CultureInfo.InvariantCulture);
string? openblas = options.GetValueOrDefault("openblas");
const int k = 10;
Directory.CreateDirectory(outDir);
Console.WriteLine($"SearchBench: dim {dim}, {queries} queries (k={k}), HNSW M={m} efConstruction={efC}, cores {Environment.ProcessorCount}, " +
                  $"Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");

var rows = new List<Row>();
var specs = new JsonArray();
var peerResults = new JsonArray();
foreach (int n in sizes)
foreach (string kind in kinds)
{
    string name = $"{kind}-{n / 1000}k";
    int nq = n >= 1_000_000 ? Math.Min(queries, 200) : queries;
    Console.Error.WriteLine($"[{name}] generating {n} × {dim} ...");
    string basePath = Path.Combine(outDir, $"{name}-base.npy"), queryPath = Path.Combine(outDir, $"{name}-queries.npy");
    float[] xb, xq;
    if (options.ContainsKey("reuse") && File.Exists(basePath) && File.Exists(queryPath))
    {
        // --reuse: the files an earlier run wrote (same generator and seed), to skip generation on a busy machine.
        xb = VectorFiles.Read(basePath).Data;
        xq = VectorFiles.Read(queryPath).Data;
        if (xq.Length != nq * dim || xb.Length != (long)n * dim) throw new InvalidDataException($"{name}: reused files have other sizes");
    }
    else
    {
        (xb, xq) = Generate(kind, n, nq, dim, seed: n + kind.Length);
        VectorFiles.Write(basePath, new VectorMatrix(n, dim, xb));
        VectorFiles.Write(queryPath, new VectorMatrix(nq, dim, xq));
    }
    var row = new Row { Name = name, N = n, Queries = nq };
    var ids = Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    IReadOnlyList<IReadOnlyList<SearchHit>> truth;
    using (var exact = FeatureGroup.CreateInMemory(name, new FeatureGroupOptions { Dimension = dim, Metric = DistanceMetric.InnerProduct }))
    {
        exact.AddRows(ids, xb);
        exact.Threads = 1;
        exact.SearchBatch(xq.AsMemory(0, 16 * dim), k); // warm-up
        (row.ExactQps1, truth) = Qps(() => exact.SearchBatch(xq, k), nq);
        row.ExactCpuQps1 = CpuClock.LastQps;
        exact.Threads = 2;
        (row.ExactQps2, _) = Qps(() => exact.SearchBatch(xq, k), nq);
    }
    string truthPath = Path.Combine(outDir, $"{name}-seer-exact-ids.npy");
    VectorFiles.Write(truthPath, new VectorMatrix(nq, k, truth.SelectMany(l => l.Select(h => float.Parse(h.Id, CultureInfo.InvariantCulture))).ToArray()));
    bool hnsw = hnswSets?.Contains(name) ?? hnswSizes.Contains(n);
    if (hnsw)
    {
        using var graph = FeatureGroup.CreateInMemory(name, new FeatureGroupOptions
        {
            Dimension = dim, Metric = DistanceMetric.InnerProduct, Index = IndexKind.Hnsw, M = m, EfConstruction = efC,
        });
        graph.Threads = buildThreads;
        Console.Error.WriteLine($"[{name}] building HNSW ...");
        var sw = Stopwatch.StartNew();
        graph.AddRows(ids, xb);
        row.SeerBuildSeconds = sw.Elapsed.TotalSeconds;
        graph.Threads = 1;
        foreach (int ef in efs)
        {
            graph.EfSearch = ef;
            graph.SearchBatch(xq.AsMemory(0, 16 * dim), k);
            var (qps, found) = Qps(() => graph.SearchBatch(xq, k), nq);
            row.Hnsw.Add((ef, qps, Recall(found, truth, k)));
        }
    }
    rows.Add(row);
    specs.Add(new JsonObject
    {
        ["name"] = name, ["base"] = basePath, ["queries"] = queryPath, ["seer_exact_ids"] = truthPath, ["k"] = k,
        ["hnsw"] = hnsw, ["m"] = m, ["ef_construction"] = efC, ["efs"] = new JsonArray(efs.Select(e => (JsonNode)e).ToArray()),
        ["build_threads"] = buildThreads, ["max_queries"] = openblas is not null ? 0 : n >= 1_000_000 ? 50 : 200,
    });
    if (peers)
    {
        var result = RunPeers(outDir, $"peers-{name}", new JsonArray(JsonNode.Parse(specs[^1]!.ToJsonString())),
            openblas is null ? null : Path.GetFullPath(openblas));
        if (result?["results"]?[0] is { } r) peerResults.Add(JsonNode.Parse(r.ToJsonString())!);
    }
    Console.Error.WriteLine($"[{name}] Seer exact {row.ExactQps1:0.0}/{row.ExactQps2:0.0} qps; HNSW " +
                            string.Join(", ", row.Hnsw.Select(h => $"ef {h.Ef}: {h.Recall:0.000} @ {h.Qps:0}")));
    GC.Collect();
}

JsonNode? peer = peers ? new JsonObject { ["results"] = peerResults } : null;
Console.WriteLine();
Console.WriteLine("Exact search (inner product, batched queries, k=10): queries per second");
string peerLabel = openblas is null ? "FAISS IndexFlatIP, Debian default BLAS (netlib reference)" : "FAISS IndexFlatIP + OpenBLAS 0.3.21";
Console.WriteLine($"  peer: {peerLabel}");
Console.WriteLine($"{"dataset",-16} {"Seer 1t",9} {"FAISS 1t",9} {"ratio",6} {"Seer 2t",9} {"FAISS 2t",9} {"ratio",6} {"same top10",10}");
foreach (var row in rows)
{
    var p = Peer(peer, row.Name);
    double f1 = p?["faiss_qps_1"]?.GetValue<double>() ?? double.NaN, f2 = p?["faiss_qps_2"]?.GetValue<double>() ?? double.NaN;
    double agree = p?["exact_agreement"]?.GetValue<double>() ?? double.NaN;
    int pq = p?["queries"]?.GetValue<int>() ?? 0;
    Console.WriteLine($"{row.Name,-16} {row.ExactQps1,9:0.0} {f1,9:0.0} {row.ExactQps1 / f1,5:0.00}x {row.ExactQps2,9:0.0} {f2,9:0.0} {row.ExactQps2 / f2,5:0.00}x {agree,10:0.0000}" +
                      (pq > 0 && pq < row.Queries ? $"  (FAISS timed on the first {pq} of {row.Queries} queries)" : ""));
}
Console.WriteLine();
Console.WriteLine($"HNSW (M={m}, efConstruction={efC}; built on 2 threads, searched on 1): recall@10 and queries per second");
Console.WriteLine($"{"dataset",-16} {"ef",4} {"Seer R@10",9} {"Seer qps",9} {"hnswlib R@10",12} {"hnswlib qps",11} {"qps ratio",9}");
foreach (var row in rows.Where(r => r.Hnsw.Count > 0))
{
    var p = Peer(peer, row.Name);
    var peerEfs = p?["hnswlib"]?.AsArray();
    foreach (var (ef, qps, recall) in row.Hnsw)
    {
        var pe = peerEfs?.FirstOrDefault(e => e!["ef"]!.GetValue<int>() == ef);
        double pq = pe?["qps"]?.GetValue<double>() ?? double.NaN, pr = pe?["recall"]?.GetValue<double>() ?? double.NaN;
        Console.WriteLine($"{row.Name,-16} {ef,4} {recall,9:0.0000} {qps,9:0} {pr,12:0.0000} {pq,11:0} {qps / pq,8:0.00}x");
    }
    double pb = p?["hnswlib_build_s"]?.GetValue<double>() ?? double.NaN;
    Console.WriteLine($"{row.Name,-16} build: Seer {row.SeerBuildSeconds:0.0} s, hnswlib {pb:0.0} s ({pb / row.SeerBuildSeconds:0.00}x Seer's speed)");
}
Console.WriteLine();
Console.WriteLine("Exact search at 1 thread, queries per CPU-second (process CPU time; steadier than wall time under load)");
Console.WriteLine($"{"dataset",-16} {"Seer",9} {"FAISS",9} {"ratio",6}");
foreach (var row in rows)
{
    double f = Peer(peer, row.Name)?["faiss_cpu_qps_1"]?.GetValue<double>() ?? double.NaN;
    Console.WriteLine($"{row.Name,-16} {row.ExactCpuQps1,9:0.0} {f,9:0.0} {row.ExactCpuQps1 / f,5:0.00}x");
}
return 0;

static JsonNode? RunPeers(string outDir, string label, JsonArray specs, string? blasDir)
{
    string spec = Path.Combine(outDir, label + "-spec.json"), result = Path.Combine(outDir, label + ".json");
    File.WriteAllText(spec, new JsonObject { ["datasets"] = JsonNode.Parse(specs.ToJsonString()) }.ToJsonString());
    var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "peers.py"), spec, result]);
    psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
    psi.RedirectStandardError = false;
    if (blasDir is not null)
    {
        psi.Environment["LD_LIBRARY_PATH"] = blasDir;
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1"; // FAISS parallelises with OpenMP itself
    }
    using var process = Process.Start(psi)!;
    process.WaitForExit();
    if (process.ExitCode == 0) return JsonNode.Parse(File.ReadAllText(result));
    Console.Error.WriteLine($"peers.py ({label}) exited {process.ExitCode}; its columns stay empty");
    return null;
}

static JsonNode? Peer(JsonNode? peer, string name) =>
    peer?["results"]?.AsArray().FirstOrDefault(r => r!["name"]!.GetValue<string>() == name);

static (double, IReadOnlyList<IReadOnlyList<SearchHit>>) Qps(Func<IReadOnlyList<IReadOnlyList<SearchHit>>> run, int nq)
{
    double best = double.MaxValue, cpuSum = 0;
    IReadOnlyList<IReadOnlyList<SearchHit>> result = [];
    using var self = Process.GetCurrentProcess();
    for (int i = 0; i < 2; i++)
    {
        self.Refresh();
        var cpu = self.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        result = run();
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
        self.Refresh();
        cpuSum += (self.TotalProcessorTime - cpu).TotalSeconds;
    }
    CpuClock.LastQps = 2 * nq / cpuSum; // mean over the runs, as peers.py does
    return (nq / best, result);
}

static double Recall(IReadOnlyList<IReadOnlyList<SearchHit>> found, IReadOnlyList<IReadOnlyList<SearchHit>> truth, int k)
{
    int hits = 0;
    for (int q = 0; q < truth.Count; q++)
    {
        var expected = truth[q].Select(h => h.Id).ToHashSet();
        hits += found[q].Count(h => expected.Contains(h.Id));
    }
    return hits / (double)(truth.Count * k);
}

static (float[] Base, float[] Queries) Generate(string kind, int n, int nq, int dim, int seed)
{
    // Uniform: Gaussian directions (uniform on the unit sphere). Clustered: 1000 unit centres + Gaussian noise.
    const int clusters = 1000;
    var centres = new float[clusters * dim];
    FillGaussian(centres, 0, clusters, dim, seed * 7919, normalize: true);
    float[] Make(int count, int s)
    {
        var data = new float[(long)count * dim];
        const int block = 4096;
        Parallel.For(0, (count + block - 1) / block, b =>
        {
            int from = b * block, to = Math.Min(count, from + block);
            FillGaussian(data, from, to, dim, s * 1_000_003 + b, normalize: kind == "uniform");
            if (kind == "clustered")
            {
                var rng = new Random(s * 31 + b);
                for (int r = from; r < to; r++)
                {
                    int c = rng.Next(clusters);
                    var row = data.AsSpan(r * dim, dim);
                    double norm = 0;
                    for (int d = 0; d < dim; d++)
                    {
                        row[d] = centres[c * dim + d] + 0.5f * row[d] / MathF.Sqrt(dim);
                        norm += row[d] * (double)row[d];
                    }
                    float inv = (float)(1 / Math.Sqrt(norm));
                    for (int d = 0; d < dim; d++) row[d] *= inv;
                }
            }
        });
        return data;
    }
    return (Make(n, seed), Make(nq, seed + 1));
}

static void FillGaussian(float[] data, int from, int to, int dim, int seed, bool normalize)
{
    var rng = new Random(seed);
    for (int r = from; r < to; r++)
    {
        var row = data.AsSpan(r * dim, dim);
        double norm = 0;
        for (int d = 0; d < dim; d++)
        {
            row[d] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            norm += row[d] * (double)row[d];
        }
        if (!normalize) continue;
        float inv = (float)(1 / Math.Sqrt(norm));
        for (int d = 0; d < dim; d++) row[d] *= inv;
    }
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var map = new Dictionary<string, string>();
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {args[i]}");
        string key = args[i][2..];
        if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) map[key] = args[++i];
        else map[key] = "true";
    }
    return map;
}

static int[] Ints(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

/// <summary>One dataset's Seer figures.</summary>
internal sealed class Row
{
    public string Name { get; init; } = "";
    public int N { get; init; }
    public int Queries { get; init; }
    public double ExactQps1 { get; set; }
    public double ExactQps2 { get; set; }
    /// <summary>1-thread queries per CPU-second of the process: steadier than wall time on a shared machine.</summary>
    public double ExactCpuQps1 { get; set; }
    public double SeerBuildSeconds { get; set; }
    public List<(int Ef, double Qps, double Recall)> Hnsw { get; } = [];
}

/// <summary>The queries per CPU-second of the last timed run.</summary>
internal static class CpuClock
{
    public static double LastQps { get; set; }
}
