// IdentityBench: metric learning and clustering on Fashion-MNIST with classes held out of training.
// Train on classes 0-4 (t-shirt, trouser, pullover, dress, coat); evaluate retrieval and clustering on classes 5-9
// (sandal, shirt, sneaker, bag, boot) of the test split. Seer's softmax, ArcFace, CosFace and triplet on the same
// backbone and budget, beside PyTorch 1.13's ArcFace of the same network (arcface_torch.py) in the same run; then
// clustering of Seer's ArcFace embeddings: connected components and Chinese Whispers, each at the threshold that
// gives the best pairwise F on validation identities (classes 5-9 of the training split).
// Usage: dotnet run -c Release --project bench/IdentityBench -- [--per-class 600] [--test-per-class 300] [--epochs 4] [--threads 2]
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
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

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
int perClass = Arg("--per-class", 600), testPerClass = Arg("--test-per-class", 300), valPerClass = Arg("--val-per-class", 200);
// --losses softmax,arcface (default all four); --no-peer skips the PyTorch run (clustering studies).
string[] losses = Array.IndexOf(args, "--losses") is int li and >= 0 && li + 1 < args.Length
    ? args[li + 1].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["softmax", "arcface", "cosface", "triplet"];
bool peer = !args.Contains("--no-peer");
int epochs = Arg("--epochs", 4), threads = Arg("--threads", 2), width = 32, dim = 64, batch = 64, p = 4;
string root = FindRoot();
string fm = Path.Combine(root, ".data", "fashion-mnist");
var (trainImages, trainLabels) = ReadIdx(fm, "train");
var (testImages, testLabels) = ReadIdx(fm, "t10k");
string[] names = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"];
List<int> Pick(byte[] labels, int from, int to, int count, int skip = 0) =>
    Enumerable.Range(from, to - from).SelectMany(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Skip(skip).Take(count)).ToList();
var trainIdx = Pick(trainLabels, 0, 5, perClass);
var valIdx = Pick(trainLabels, 5, 10, valPerClass);
var testIdx = Pick(testLabels, 5, 10, testPerClass);
var train = Snapshot("fm-seen", trainImages, trainLabels, trainIdx, names[..5]);
var val = Snapshot("fm-unseen-val", trainImages, trainLabels, valIdx, names[5..]);
var test = Snapshot("fm-unseen-test", testImages, testLabels, testIdx, names[5..]);
Console.WriteLine($"IdentityBench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine($"train {trainIdx.Count} images of 5 seen classes; validation {valIdx.Count} and test {testIdx.Count} images of 5 held-out classes; {epochs} epochs, batch {batch} (P {p}), small-cnn width {width}, dim {dim}, {threads} threads");

string work = Path.Combine(Path.GetTempPath(), "identity-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);
var rows = new List<(string Name, double Seconds, EmbeddingMetrics M)>();
(float[] Test, float[] Val)? arcfaceEmbeddings = null;
try
{
    foreach (string loss in losses)
    {
        var options = new TrainingOptions
        {
            Task = "embed", Architecture = "small-cnn", Width = width, ImageSize = 28, Epochs = epochs, BatchSize = batch,
            LearningRate = 2e-3, WeightDecay = 5e-4, WarmupEpochs = 1, FlipProbability = 0, Translate = 0, Threads = threads,
            MetricLoss = loss, EmbeddingDim = dim, ClassesPerBatch = p, EvalEvery = epochs, Seed = 42,
        };
        var trainer = new EmbeddingTrainer(options, train.Classes);
        string run = Path.Combine(work, loss);
        var clock = Stopwatch.StartNew();
        var result = trainer.Run(new TrainingRunContext(train, val, run), CancellationToken.None);
        double seconds = clock.Elapsed.TotalSeconds;
        // The product path: ONNX export → Predictor → embeddings of every test image.
        string onnx = Path.Combine(run, "model.onnx");
        using (var net = trainer.CreateModel())
        {
            Checkpoint.LoadWeights(result.BestWeightsPath, net);
            net.eval();
            OnnxExporter.Export(net, new InferenceSpec
            {
                Task = "embed", ClassNames = train.Classes, InputWidth = 28, InputHeight = 28, Channels = 3, ChannelOrder = "rgb",
                Mean = [0.485f * 255, 0.456f * 255, 0.406f * 255], Std = [0.229f * 255, 0.224f * 255, 0.225f * 255], Resize = ResizeMode.Stretch,
            }, onnx);
        }
        using var model = OnnxModel.Load(onnx, null, threads);
        var predictor = new Predictor(model);
        var testEmb = SnapshotEmbeddings.Compute(test, predictor, null, CancellationToken.None);
        var m = EmbeddingEvaluator.Evaluate(testEmb.Vectors, testEmb.Dimension, Labels(test));
        rows.Add(($"seer {loss}", seconds, m));
        Console.WriteLine($"  seer {loss,-8} {seconds,7:0.0} s  R@1 {m.RecallAt1:0.0000}  MAP@R {m.MapAtR:0.0000}  (loss {result.Curves[0].Loss:0.000} → {result.Curves[^1].Loss:0.000})");
        if (loss == "arcface")
            arcfaceEmbeddings = (testEmb.Vectors, SnapshotEmbeddings.Compute(val, predictor, null, CancellationToken.None).Vectors);
    }

    // PyTorch 1.13 ArcFace of the same network, same data, same budget.
    if (peer)
    {
    File.WriteAllBytes(Path.Combine(work, "train_x.u8"), trainIdx.SelectMany(i => trainImages[i]).ToArray());
    File.WriteAllBytes(Path.Combine(work, "train_y.u8"), trainIdx.Select(i => trainLabels[i]).ToArray());
    File.WriteAllBytes(Path.Combine(work, "test_x.u8"), testIdx.SelectMany(i => testImages[i]).ToArray());
    var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(root, "bench", "IdentityBench", "arcface_torch.py"), "--dir", work,
        "--epochs", $"{epochs}", "--batch", $"{batch}", "--p", $"{p}", "--width", $"{width}", "--dim", $"{dim}", "--threads", $"{threads}"])
    { RedirectStandardOutput = true, RedirectStandardError = true };
    using (var python = Process.Start(psi)!)
    {
        string stdout = python.StandardOutput.ReadToEnd(), stderr = python.StandardError.ReadToEnd();
        python.WaitForExit();
        if (python.ExitCode != 0) Console.WriteLine($"  pytorch arcface failed: {stderr.Trim()}");
        else
        {
            double seconds = JsonDocument.Parse(stdout).RootElement.GetProperty("seconds").GetDouble();
            byte[] raw = File.ReadAllBytes(Path.Combine(work, "torch_test.f32"));
            var vectors = new float[raw.Length / 4];
            Buffer.BlockCopy(raw, 0, vectors, 0, raw.Length);
            var m = EmbeddingEvaluator.Evaluate(vectors, dim, Labels(test));
            rows.Add(("pytorch arcface", seconds, m));
            Console.WriteLine($"  pytorch arcface {seconds,7:0.0} s  R@1 {m.RecallAt1:0.0000}  MAP@R {m.MapAtR:0.0000}");
        }
    }
    }

    Console.WriteLine();
    Console.WriteLine("| method | train s | Recall@1 | Recall@5 | MAP@R | TAR@FAR 1e-3 | EER |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    foreach (var (name, seconds, m) in rows)
        Console.WriteLine($"| {name} | {seconds:0.0} | {m.RecallAt1:0.0000} | {m.RecallAt5:0.0000} | {m.MapAtR:0.0000} | {m.TarAtFar["1e-3"]:0.0000} | {m.Eer:0.0000} |");

    // Clustering of Seer's ArcFace embeddings of the held-out classes: thresholds tuned on validation identities.
    if (arcfaceEmbeddings is var (testVectors, valVectors))
    {
        Console.WriteLine();
        Console.WriteLine("| clustering (seer arcface embeddings) | k | merge | threshold (tuned on val) | clusters | singletons | pairwise P | pairwise R | pairwise F | BCubed F |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var valTruth = Labels(val).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList();
        var testTruth = Labels(test).Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList();
        // Variations: k of the graph (5, 10, 20), the centre merge on and off; thresholds 0.30-0.99 by 0.01.
        foreach (int k in new[] { 5, 10, 20 })
        {
            var valGraph = KnnGraph.Build(valVectors, dim, k);
            var testGraph = KnnGraph.Build(testVectors, dim, k);
            foreach (bool merge in new[] { true, false })
            foreach (var method in new[] { ClusterMethod.Components, ClusterMethod.ChineseWhispers })
            {
                if (method == ClusterMethod.Components && !merge) continue; // merging components changes nothing
                float best = 0;
                double bestF = -1;
                for (int step = 30; step <= 99; step++)
                {
                    float t = step / 100f;
                    var r = Clusterer.Run(valGraph, new ClusteringOptions { Method = method, Threshold = t, K = k, MergeCentres = merge });
                    double f = ClusteringEvaluator.Evaluate(valTruth, Predicted(r)).PairwiseF;
                    if (f > bestF) (best, bestF) = (t, f);
                }
                var result = Clusterer.Run(testGraph, new ClusteringOptions { Method = method, Threshold = best, K = k, MergeCentres = merge });
                var cm = ClusteringEvaluator.Evaluate(testTruth, Predicted(result));
                Console.WriteLine($"| {ClusterMethods.Name(method)} | {k} | {(merge ? "on" : "off")} | {best:0.00} | {cm.Clusters} | {cm.Singletons} | {cm.PairwisePrecision:0.0000} | {cm.PairwiseRecall:0.0000} | {cm.PairwiseF:0.0000} | {cm.BCubedF:0.0000} |");
            }
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static List<string?> Predicted(ClusteringResult r) => r.Labels.Select(l => l < 0 ? null : l.ToString(CultureInfo.InvariantCulture)).ToList();

static int[] Labels(DatasetSnapshot s)
{
    var index = s.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
    return s.Images.Select(i => index[i.Tags[0]]).ToArray();
}

static DatasetSnapshot Snapshot(string name, byte[][] images, byte[] labels, List<int> indices, string[] classes)
{
    string[] all = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"];
    var blobs = new InMemoryBlobs();
    var records = new List<ImageRecord>(indices.Count);
    foreach (int i in indices)
    {
        using var mat = Mat.FromPixelData(28, 28, MatType.CV_8UC1, images[i]);
        string hash = blobs.Add(mat.ImEncode(".png"));
        records.Add(new ImageRecord(hash, $"{name}/{i}.png", 28, 28) { IsLabelled = true, Tags = [all[labels[i]]] });
    }
    return new DatasetSnapshot(name, "1", classes, records, blobs);
}

static (byte[][] Images, byte[] Labels) ReadIdx(string folder, string split)
{
    static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var m = new MemoryStream();
        gz.CopyTo(m);
        return m.ToArray();
    }
    byte[] images = Gunzip(Path.Combine(folder, $"{split}-images-idx3-ubyte.gz"));
    byte[] labels = Gunzip(Path.Combine(folder, $"{split}-labels-idx1-ubyte.gz"));
    int n = (labels[4] << 24) | (labels[5] << 16) | (labels[6] << 8) | labels[7];
    var pixels = new byte[n][];
    for (int i = 0; i < n; i++) pixels[i] = images.AsSpan(16 + i * 784, 784).ToArray();
    return (pixels, labels.AsSpan(8, n).ToArray());
}

static string FindRoot()
{
    foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) return dir.FullName;
    throw new InvalidOperationException("Seer.sln not found");
}
