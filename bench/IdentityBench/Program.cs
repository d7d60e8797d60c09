// IdentityBench: metric learning and clustering with identities held out of training. An identity is a character
// rendered from the fonts Debian packages (FontCharacters: font, size, rotation, position, contrast and noise vary
// between its instances); training, validation and test identities are disjoint. Seer's softmax, ArcFace, CosFace and
// triplet on the same backbone and budget (the product's default recipe of each loss), beside PyTorch 1.13's ArcFace of
// the same network and recipe (arcface_torch.py) in the same run, wall and CPU seconds; then clustering of the test
// identities' embeddings of the loss with the best validation MAP@R with every method, each at the threshold that gives
// the best pairwise F on the validation identities, and one round of the labelling loop.
// Usage: dotnet run -c Release --project bench/IdentityBench -- [--train-ids 300] [--val-ids 100] [--test-ids 150]
//        [--per-id 16] [--eval-per-id 10] [--epochs 10] [--seeds 1] [--threads 2] [--losses arcface,softmax,...] [--no-peer] [--no-loop]
//        [--dump DIR]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IdentityBench;
using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Core.Inference;
using Seer.Evaluation;
using Seer.Inference;
using Seer.Inference.Embeddings;
using Seer.Inference.Models;
using Seer.Search;
using Seer.Search.Clustering;
using Seer.Training.Data;
using Seer.Training.Engine;
using Seer.Training.Onnx;
using Seer.Training.Options;

// Seer trains here as `seer train` does: with the launcher's malloc tuning (Seer.Training's NativeHeap), which must be
// in the environment when the process starts. Without it glibc maps and unmaps every large activation: the small
// ArcFace run (150 identities x 10, 5 epochs, 2 threads) spent 5.7 s in the kernel of 28 CPU-s untuned, 0.6 s tuned.
// The bench restarts itself once with the variables set; the PyTorch peer, its child, inherits them.
if (!NativeHeap.TunedByEnvironment)
{
    var restart = new ProcessStartInfo(Environment.ProcessPath!);
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") restart.ArgumentList.Add(typeof(FontCharacters).Assembly.Location);
    foreach (string a in args) restart.ArgumentList.Add(a);
    foreach (var (key, value) in NativeHeap.EnvironmentVariables) restart.Environment[key] = value;
    using var child = Process.Start(restart)!;
    child.WaitForExit();
    Environment.Exit(child.ExitCode);
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
int trainIds = Arg("--train-ids", 300), valIds = Arg("--val-ids", 100), testIds = Arg("--test-ids", 150);
int perId = Arg("--per-id", 16), evalPerId = Arg("--eval-per-id", 10);
// --losses softmax,arcface (default all four); --no-peer skips the PyTorch run (clustering studies).
string[] losses = Array.IndexOf(args, "--losses") is int li and >= 0 && li + 1 < args.Length
    ? args[li + 1].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["arcface", "softmax", "cosface", "triplet"];
bool peer = !args.Contains("--no-peer"), loop = !args.Contains("--no-loop");
// --seeds N: ArcFace in Seer and the PyTorch peer trained with N seeds (42, 43, ...), mean and sd printed; the other
// losses, the clustering and the loop use the first seed.
int seeds = Math.Max(1, Arg("--seeds", 1));
int epochs = Arg("--epochs", 10), threads = Arg("--threads", 2), width = 32, dim = 64, batch = 64, size = 32;
string root = FindRoot();
var clock0 = Stopwatch.StartNew();
var glyphs = new FontCharacters();
var identities = glyphs.Identities(minFonts: 8, minDifference: 0.05);
// Disjoint identity sets from one seeded shuffle: test, then validation, then training.
var shuffled = identities.ToList();
new Random(7).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
if (trainIds + valIds + testIds > shuffled.Count)
    throw new InvalidOperationException($"{shuffled.Count} identities available, {trainIds + valIds + testIds} asked for");
var testSet = shuffled.Take(testIds).ToList();
var valSet = shuffled.Skip(testIds).Take(valIds).ToList();
var trainSet = shuffled.Skip(testIds + valIds).Take(trainIds).ToList();
var blobs = new InMemoryBlobs();
var (train, trainRaw) = Snapshot("chars-train", glyphs, trainSet, perId, size, seed: 1, blobs);
var (val, _) = Snapshot("chars-val", glyphs, valSet, evalPerId, size, seed: 2, blobs);
var (test, testRaw) = Snapshot("chars-test", glyphs, testSet, evalPerId, size, seed: 3, blobs);
Console.WriteLine($"IdentityBench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine($"{identities.Count} character identities from {glyphs.FontsUsed} of {glyphs.FontCount} font files (generated in {clock0.Elapsed.TotalSeconds:0.0} s); " +
    $"train {trainSet.Count} identities x {perId}, validation {valSet.Count} x {evalPerId}, test {testSet.Count} x {evalPerId} (disjoint); " +
    $"{epochs} epochs, batch {batch}, small-cnn width {width}, {size} px, dim {dim}, {threads} threads");

string work = Path.Combine(Path.GetTempPath(), "identity-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);
// --dump DIR: write the generated arrays (train/val/test images and labels, as the peer reads them) and stop; for
// trying recipes on the peer alone.
if (Array.IndexOf(args, "--dump") is int di and >= 0 && di + 1 < args.Length)
{
    Directory.CreateDirectory(args[di + 1]);
    var (_, valRaw) = Snapshot("chars-val", glyphs, valSet, evalPerId, size, seed: 2, blobs);
    foreach (var (part, raw) in new[] { ("train", trainRaw), ("val", valRaw), ("test", testRaw) })
    {
        File.WriteAllBytes(Path.Combine(args[di + 1], $"{part}_x.u8"), raw.SelectMany(r => r.Pixels).ToArray());
        File.WriteAllBytes(Path.Combine(args[di + 1], $"{part}_y.i32"), raw.SelectMany(r => BitConverter.GetBytes(r.Label)).ToArray());
    }
    Directory.Delete(work);
    return;
}
var rows = new List<(string Name, double Seconds, EmbeddingMetrics M)>();
var cpuSeconds = new Dictionary<string, double>(); // training CPU seconds (the fair clock on a loaded machine)
var valTruth = Labels(val).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList();
var testTruth = Labels(test).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList();
try
{
    // ArcFace first and the PyTorch peer right after it (the two compared run under the same load), then the other
    // losses; then the clustering study and the labelling loop on the embeddings of the loss with the best validation
    // MAP@R (chosen on the validation identities, never on the test ones).
    var trained = new List<(string Loss, Predictor Predictor, OnnxModel Model, double ValMapAtR)>();
    foreach (string loss in losses.Where(l => l == "arcface").Concat(losses.Where(l => l != "arcface")))
    {
        var (predictor, model, valMap) = TrainAndScore(loss, 42);
        trained.Add((loss, predictor, model, valMap));
        if (loss == "arcface" && peer) RunPeer(42);
        if (loss != "arcface") continue;
        for (int seed = 43; seed < 42 + seeds; seed++)
        {
            var (_, other, _) = TrainAndScore(loss, seed);
            other.Dispose();
            if (peer) RunPeer(seed);
        }
        if (seeds > 1) SeedSummary();
    }
    if (!losses.Contains("arcface") && peer)
        for (int seed = 42; seed < 42 + seeds; seed++) RunPeer(seed);
    if (trained.Count > 0)
    {
        var chosen = trained.MaxBy(t => t.ValMapAtR);
        Console.WriteLine();
        Console.WriteLine($"clustering on seer {chosen.Loss}'s embeddings (best validation MAP@R: " +
            string.Join(", ", trained.Select(t => $"{t.Loss} {t.ValMapAtR:0.0000}")) + ")");
        var valVectors = SnapshotEmbeddings.Compute(val, chosen.Predictor, null, CancellationToken.None).Vectors;
        var testVectors = SnapshotEmbeddings.Compute(test, chosen.Predictor, null, CancellationToken.None).Vectors;
        var best = ClusteringStudy(chosen.Loss, valVectors, testVectors);
        if (loop) LabellingLoop(chosen.Loss, best, valVectors, testVectors);
    }
    foreach (var t in trained) t.Model.Dispose();
    Console.WriteLine();
    Console.WriteLine("| method | train s (wall) | train CPU-s | Recall@1 | Recall@5 | MAP@R | TAR@FAR 1e-3 | EER |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var (name, seconds, m) in rows)
        Console.WriteLine($"| {name} | {seconds:0.0} | {cpuSeconds.GetValueOrDefault(name.Replace("seer ", ""), double.NaN):0.0} | {m.RecallAt1:0.0000} | {m.RecallAt5:0.0000} | {m.MapAtR:0.0000} | {m.TarAtFar["1e-3"]:0.0000} | {m.Eer:0.0000} |");
}
finally
{
    Directory.Delete(work, recursive: true);
}

// Trains on `on` (default: the training identities) and exports through the product path (ONNX → Predictor).
(Predictor Predictor, OnnxModel Model, double Seconds) Train(string loss, DatasetSnapshot on, string name, int seed = 42)
{
    var options = new TrainingOptions
    {
        Task = "embed", Architecture = "small-cnn", Width = width, ImageSize = size, Epochs = epochs, BatchSize = batch,
        LearningRate = 2e-3, WeightDecay = 5e-4, WarmupEpochs = 1, FlipProbability = 0, Translate = 0, Threads = threads,
        MetricLoss = loss, EmbeddingDim = dim, EvalEvery = epochs, Seed = seed, // product defaults for scale, sampling, centre LR
    };
    var trainer = new EmbeddingTrainer(options, on.Classes);
    string run = Path.Combine(work, name);
    var clock = Stopwatch.StartNew();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    var result = trainer.Run(new TrainingRunContext(on, val, run), CancellationToken.None);
    double seconds = clock.Elapsed.TotalSeconds;
    cpuSeconds[name] = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    string onnx = Path.Combine(run, "model.onnx");
    using (var net = trainer.CreateModel())
    {
        Checkpoint.LoadWeights(result.BestWeightsPath, net);
        net.eval();
        OnnxExporter.Export(net, new InferenceSpec
        {
            Task = "embed", ClassNames = on.Classes, InputWidth = size, InputHeight = size, Channels = 3, ChannelOrder = "rgb",
            Mean = [0.485f * 255, 0.456f * 255, 0.406f * 255], Std = [0.229f * 255, 0.224f * 255, 0.225f * 255], Resize = ResizeMode.Stretch,
        }, onnx);
    }
    Console.WriteLine($"  trained {name}: {seconds:0.0} s (loss {result.Curves[0].Loss:0.000} → {result.Curves[^1].Loss:0.000}), load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    var model = OnnxModel.Load(onnx, null, threads);
    return (new Predictor(model), model, seconds);
}

string SeedName(string loss, int seed) => seeds > 1 && loss.EndsWith("arcface", StringComparison.Ordinal) ? $"{loss} seed {seed}" : loss;

(Predictor Predictor, OnnxModel Model, double ValMapAtR) TrainAndScore(string loss, int seed)
{
    string name = SeedName(loss, seed);
    var (predictor, model, seconds) = Train(loss, train, name, seed);
    var testEmb = SnapshotEmbeddings.Compute(test, predictor, null, CancellationToken.None);
    var m = EmbeddingEvaluator.Evaluate(testEmb.Vectors, testEmb.Dimension, Labels(test));
    var valEmb = SnapshotEmbeddings.Compute(val, predictor, null, CancellationToken.None);
    double valMap = EmbeddingEvaluator.Evaluate(valEmb.Vectors, valEmb.Dimension, Labels(val)).MapAtR;
    rows.Add(($"seer {name}", seconds, m));
    Console.WriteLine($"  seer {name,-8} {seconds,7:0.0} s ({cpuSeconds[name]:0.0} CPU-s)  R@1 {m.RecallAt1:0.0000}  MAP@R {m.MapAtR:0.0000}  (validation MAP@R {valMap:0.0000})");
    return (predictor, model, valMap);
}

// PyTorch 1.13 ArcFace of the same network, same data, same budget.
void RunPeer(int seed)
{
    string name = SeedName("pytorch arcface", seed);
    File.WriteAllBytes(Path.Combine(work, "train_x.u8"), trainRaw.SelectMany(r => r.Pixels).ToArray());
    File.WriteAllBytes(Path.Combine(work, "train_y.i32"), trainRaw.SelectMany(r => BitConverter.GetBytes(r.Label)).ToArray());
    File.WriteAllBytes(Path.Combine(work, "test_x.u8"), testRaw.SelectMany(r => r.Pixels).ToArray());
    var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(root, "bench", "IdentityBench", "arcface_torch.py"), "--dir", work,
        "--epochs", $"{epochs}", "--batch", $"{batch}",
        // Seer's ArcFace defaults (EmbeddingTrainer): shuffled batches, AdaCos scale, class centres at 10x the learning rate
        "--p", "0", "--scale", MetricLosses.AdaCosScale(train.Classes.Count).ToString("R", CultureInfo.InvariantCulture), "--centre-lr", new TrainingOptions().CentreLrScale.ToString("R", CultureInfo.InvariantCulture), "--width", $"{width}", "--dim", $"{dim}", "--threads", $"{threads}", "--size", $"{size}", "--seed", $"{seed}"])
    { RedirectStandardOutput = true, RedirectStandardError = true };
    using var python = Process.Start(psi)!;
    string stdout = python.StandardOutput.ReadToEnd(), stderr = python.StandardError.ReadToEnd();
    python.WaitForExit();
    if (python.ExitCode != 0)
    {
        Console.WriteLine($"  pytorch arcface failed: {stderr.Trim()}");
        return;
    }
    var peerJson = JsonDocument.Parse(stdout).RootElement;
    double seconds = peerJson.GetProperty("seconds").GetDouble();
    cpuSeconds[name] = peerJson.GetProperty("cpu_seconds").GetDouble();
    byte[] raw = File.ReadAllBytes(Path.Combine(work, "torch_test.f32"));
    var vectors = new float[raw.Length / 4];
    Buffer.BlockCopy(raw, 0, vectors, 0, raw.Length);
    var m = EmbeddingEvaluator.Evaluate(vectors, dim, Labels(test));
    rows.Add((name, seconds, m));
    Console.WriteLine($"  {name} {seconds,7:0.0} s ({cpuSeconds[name]:0.0} CPU-s)  R@1 {m.RecallAt1:0.0000}  MAP@R {m.MapAtR:0.0000}, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
}

// Mean and sample sd over the seeds of Seer's ArcFace and the peer's: Recall@1, MAP@R, wall and CPU seconds.
void SeedSummary()
{
    Console.WriteLine();
    Console.WriteLine($"| arcface over {seeds} seeds (mean ± sd) | train s (wall) | train CPU-s | Recall@1 | MAP@R |");
    Console.WriteLine("|---|---|---|---|---|");
    foreach (string who in new[] { "seer arcface seed", "pytorch arcface seed" })
    {
        var picked = rows.Where(r => r.Name.StartsWith(who, StringComparison.Ordinal)).ToList();
        if (picked.Count == 0) continue;
        string Stat(IEnumerable<double> values, string format)
        {
            var v = values.ToArray();
            double mean = v.Average(), sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
            return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString(format, CultureInfo.InvariantCulture)}";
        }
        Console.WriteLine($"| {who[..^5]} (n {picked.Count}) | {Stat(picked.Select(r => r.Seconds), "0.0")} | " +
            $"{Stat(picked.Select(r => cpuSeconds.GetValueOrDefault(r.Name.Replace("seer ", ""), double.NaN)), "0.0")} | " +
            $"{Stat(picked.Select(r => r.M.RecallAt1), "0.0000")} | {Stat(picked.Select(r => r.M.MapAtR), "0.0000")} |");
    }
}

// The threshold (0.01-0.99 by 0.01) with the best pairwise F on the validation identities.
float Tune(KnnGraph valGraph, ClusteringOptions options)
{
    float best = 0;
    double bestF = -1;
    for (int step = 1; step <= 99; step++)
    {
        var r = Clusterer.Run(valGraph, options with { Threshold = step / 100f });
        double f = ClusteringEvaluator.Evaluate(valTruth, Predicted(r)).PairwiseF;
        if (f > bestF) (best, bestF) = (step / 100f, f);
    }
    return best;
}

// Every clustering method (and k, centre merge on/off, k-reciprocal re-ranking) on the embeddings of the test
// identities, each at the threshold tuned on the validation identities. Returns the setting with the best validation F.
ClusteringOptions ClusteringStudy(string loss, float[] valVectors, float[] testVectors)
{
    Console.WriteLine();
    Console.WriteLine($"| clustering (seer {loss} embeddings) | k | merge | rerank (k1, k2, λ) | threshold (tuned on val) | val pairwise F | clusters | singletons | pairwise P | pairwise R | pairwise F | BCubed F |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
    var bestSetting = new ClusteringOptions();
    double bestValF = -1;
    var settings = new List<ClusteringOptions>();
    foreach (int k in new[] { 5, 10, 20 })
    foreach (bool merge in new[] { true, false })
    foreach (var method in Enum.GetValues<ClusterMethod>())
    {
        if (method == ClusterMethod.Components && !merge) continue; // merging components changes nothing
        if (method == ClusterMethod.Linkage && merge) continue; // linkage is never followed by a centre merge
        settings.Add(new ClusteringOptions { Method = method, K = k, MergeCentres = merge });
    }
    // k-reciprocal re-ranking (Zhong et al. 2017) before the graph methods: k1 near the images per identity (the
    // product's default 10, and 6), k2 3, λ 0.3 (the paper's) and 0 (Jaccard only, as re-identification clustering
    // uses it). A study on the small set (8 images per identity) found k1 20 (the paper's, for galleries of 14-26
    // images per person) well below the plain graph, k1 7 a little above it. The components baseline stays plain.
    foreach (int k1 in new[] { 10, 6 })
    foreach (float lambda in new[] { 0.3f, 0f })
    foreach (var method in new[] { ClusterMethod.Linkage, ClusterMethod.ChineseWhispers, ClusterMethod.Infomap })
        settings.Add(new ClusteringOptions { Method = method, K = 5, MergeCentres = false, Rerank = true, RerankK1 = k1, RerankK2 = 3, RerankLambda = lambda });
    settings.Add(new ClusteringOptions { Method = ClusterMethod.Linkage, K = 10, MergeCentres = false, Rerank = true, RerankK1 = 10, RerankK2 = 3, RerankLambda = 0.3f });
    var graphs = new Dictionary<int, (KnnGraph Val, KnnGraph Test)>();
    foreach (var options in settings)
    {
        int gk = options.GraphK;
        if (!graphs.TryGetValue(gk, out var g))
            graphs[gk] = g = (KnnGraph.Build(valVectors, dim, gk), KnnGraph.Build(testVectors, dim, gk));
        float t = Tune(g.Val, options);
        double valF = ClusteringEvaluator.Evaluate(valTruth, Predicted(Clusterer.Run(g.Val, options with { Threshold = t }))).PairwiseF;
        var cm = ClusteringEvaluator.Evaluate(testTruth, Predicted(Clusterer.Run(g.Test, options with { Threshold = t })));
        string rerank = options.Rerank ? $"{options.RerankK1}, {options.RerankK2}, {options.RerankLambda:0.0}" : "no";
        Console.WriteLine($"| {ClusterMethods.Name(options.Method)} | {options.K} | {(options.MergeCentres ? "on" : "off")} | {rerank} | {t:0.00} | {valF:0.0000} | {cm.Clusters} | {cm.Singletons} | {cm.PairwisePrecision:0.0000} | {cm.PairwiseRecall:0.0000} | {cm.PairwiseF:0.0000} | {cm.BCubedF:0.0000} |");
        if (valF > bestValF) (bestSetting, bestValF) = (options, valF);
    }
    return bestSetting;
}

// The seed-000 loop on a pool of unlabelled images (the validation and test identities together): round 1 clusters
// the pool with the chosen loss's model trained on the training identities; the clusters of three or more become new
// identities to train on beside the training set (an embedding model trained on the clusters); round 2 re-extracts the
// pool with that model and re-clusters. Each round's F on the test identities (the labelled check set); the threshold
// of each round tuned on the validation identities' part of the pool.
void LabellingLoop(string loss, ClusteringOptions setting, float[] valVectors, float[] testVectors)
{
    Console.WriteLine();
    Console.WriteLine($"| labelling loop ({ClusterMethods.Name(setting.Method)}, k {setting.K}, centre merge {(setting.MergeCentres ? "on" : "off")}, rerank {(setting.Rerank ? $"λ {setting.RerankLambda:0.0}" : "no")}, pool = {val.Images.Count} validation + {test.Images.Count} test images) | threshold | clusters used for training | check-set pairwise F | check-set BCubed F |");
    Console.WriteLine("|---|---|---|---|---|");
    var pool = val.Images.Concat(test.Images).ToList();
    int nVal = val.Images.Count;
    ClusteringResult Round(float[] poolVectors, out float threshold)
    {
        var valGraph = KnnGraph.Build(poolVectors.AsMemory(0, nVal * dim), dim, setting.GraphK);
        threshold = Tune(valGraph, setting);
        return Clusterer.Run(poolVectors, dim, setting with { Threshold = threshold });
    }
    (double F, double B) Check(ClusteringResult r)
    {
        var m = ClusteringEvaluator.Evaluate(testTruth, Predicted(r).Skip(nVal).ToList());
        return (m.PairwiseF, m.BCubedF);
    }
    var r1 = Round([.. valVectors, .. testVectors], out float t1);
    var usable = r1.Clusters.Where(c => c.Size >= 3).Select(c => c.Number).ToHashSet();
    var (f1, b1) = Check(r1);
    Console.WriteLine($"| round 1: model trained on the training identities | {t1:0.00} | {usable.Count} | {f1:0.0000} | {b1:0.0000} |");
    // Training set of round 2: the training identities plus the pool's clusters as identities (pseudo-labels).
    var clusterImages = new List<ImageRecord>();
    for (int i = 0; i < pool.Count; i++)
        if (r1.Labels[i] >= 0 && usable.Contains(r1.Clusters[r1.Labels[i]].Number))
            clusterImages.Add(pool[i] with { Tags = [ClusterNames.Name(r1.Clusters[r1.Labels[i]].Number)] });
    var classes = train.Classes.Concat(usable.Order().Select(ClusterNames.Name)).ToList();
    var round2 = new DatasetSnapshot("loop-r1", "1", classes, [.. train.Images, .. clusterImages], blobs);
    var (predictor, model, seconds) = Train(loss, round2, "loop-r2");
    using (model)
    {
        var v2 = SnapshotEmbeddings.Compute(val, predictor, null, CancellationToken.None).Vectors;
        var t2v = SnapshotEmbeddings.Compute(test, predictor, null, CancellationToken.None).Vectors;
        var r2 = Round([.. v2, .. t2v], out float t2);
        var (f2, b2) = Check(r2);
        Console.WriteLine($"| round 2: re-trained on training identities + round-1 clusters ({seconds:0} s), re-extracted, re-clustered | {t2:0.00} | {r2.Clusters.Count(c => c.Size >= 3)} | {f2:0.0000} | {b2:0.0000} |");
    }
}

static List<string?> Predicted(ClusteringResult r) => r.Labels.Select(l => l < 0 ? null : l.ToString(CultureInfo.InvariantCulture)).ToList();

static int[] Labels(DatasetSnapshot s)
{
    var index = s.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
    return s.Images.Select(i => index[i.Tags[0]]).ToArray();
}

static (DatasetSnapshot Snapshot, List<(byte[] Pixels, int Label)> Raw) Snapshot(string name, FontCharacters glyphs, List<int> identities,
    int perIdentity, int size, int seed, InMemoryBlobs blobs)
{
    var records = new List<ImageRecord>(identities.Count * perIdentity);
    var raw = new List<(byte[], int)>(records.Capacity);
    var classes = identities.Select(c => $"u{c:X4}").ToList();
    for (int id = 0; id < identities.Count; id++)
        for (int j = 0; j < perIdentity; j++)
        {
            byte[] pixels = glyphs.Instance(identities[id], j, size, seed);
            using var mat = Mat.FromPixelData(size, size, MatType.CV_8UC1, pixels);
            string hash = blobs.Add(mat.ImEncode(".png"));
            records.Add(new ImageRecord(hash, $"{name}/{classes[id]}-{j}.png", size, size) { IsLabelled = true, Tags = [classes[id]] });
            raw.Add((pixels, id));
        }
    return (new DatasetSnapshot(name, "1", classes, records, blobs), raw);
}

static string FindRoot()
{
    foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) return dir.FullName;
    throw new InvalidOperationException("Seer.sln not found");
}
