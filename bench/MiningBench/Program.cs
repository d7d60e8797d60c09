using System.Diagnostics;
using System.Globalization;
using Seer.ActiveLearning.Iterations;
using Seer.ActiveLearning.Projects;
using Seer.Data;
using Seer.Imaging.Synthesis;
using Seer.Mining;
using Seer.Training.Options;
using MiningBench;

// Active learning against random on real data, through Seer's own loop (projects, iterate, oracle):
//   dotnet run -c Release --project bench/MiningBench -- [--task classify|detect|both] [--seeds 3] [--rounds 4]
//     [--strategies random,entropy,combined] [--epochs E --epochs0 E0 --pool N ...] [--quick] [--work DIR]   (docs/benchmarks.md: MiningBench)
var inv = CultureInfo.InvariantCulture;
string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
bool quick = args.Contains("--quick");
int Int(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(inv)), inv);
string task = Arg("--task", "both");
int seeds = int.Parse(Arg("--seeds", quick ? "1" : "3"), inv);
int rounds = int.Parse(Arg("--rounds", quick ? "1" : "4"), inv);
string root = RepoRoot.Find();
string work = Path.GetFullPath(Arg("--work", Path.Combine(Path.GetTempPath(), "seer-miningbench-" + Environment.ProcessId)));
string[] strategies = Arg("--strategies", "random,entropy,combined").Split(',');
var aggregation = MiningOptions.ParseAggregation(Arg("--det-aggregate", "max")); // detectors: boxes -> image score
var total = Stopwatch.StartNew();
var report = new List<string>();
var steps = new StepClock();

if (task is "classify" or "both")
{
    // Fashion-MNIST: the pool and the initial sets come from the train split, the test set from t10k.
    int init = Int("--init", 100), poolSize = Int("--pool", quick ? 600 : 1500), topk = Int("--topk", 100),
        valSize = Int("--val", 100), testSize = Int("--test", quick ? 300 : 1000), epochs = Int("--epochs", quick ? 1 : 4);
    var training = new TrainingOptions
    {
        Task = "classify", Architecture = Arg("--arch", "small-cnn-fc"), Width = Int("--width", 16), ImageSize = Int("--size", 28),
        Epochs = epochs, EvalEvery = epochs, BatchSize = Int("--batch", 16), Threads = Int("--threads", 1),
        WarmupEpochs = double.Parse(Arg("--warmup", "0.5"), inv), LearningRate = double.Parse(Arg("--lr", "0.002"), inv),
    };
    var (trainImages, trainLabels) = BenchData.ReadIdx(Path.Combine(root, ".data", "fashion-mnist"), "train");
    var (testImages, testLabels) = BenchData.ReadIdx(Path.Combine(root, ".data", "fashion-mnist"), "t10k");
    Item Fm(byte[][] images, byte[] labels, int i, string prefix) => new($"{prefix}{i:D5}.png", BenchData.Png(images[i]), BenchData.FashionNames[labels[i]], null);
    int epochs0 = Int("--epochs0", quick ? 1 : 3 * epochs);
    var runs = Run("classify", training, epochs0, init, topk, ["top1"], "Fashion-MNIST classification", ws =>
    {
        var classes = BenchData.FashionNames;
        BenchData.Import(ws, "val", Enumerable.Range(50_000, valSize).Select(i => Fm(trainImages, trainLabels, i, "train/")), true, classes);
        BenchData.Import(ws, "test", Enumerable.Range(0, testSize).Select(i => Fm(testImages, testLabels, i, "t10k/")), true, classes);
        var pool = Enumerable.Range(10_000, poolSize).Select(i => Fm(trainImages, trainLabels, i, "train/")).ToList();
        BenchData.Import(ws, "pool", pool, false, classes);
        BenchData.Import(ws, "oracle", pool, true, classes);
    }, (ws, seed) => BenchData.Import(ws, $"init-s{seed}",
        Shuffle(Enumerable.Range(0, 5_000).ToList(), seed).Take(init).Select(i => Fm(trainImages, trainLabels, i, "train/")), true, BenchData.FashionNames));
    report.Add(Curves.Report("Fashion-MNIST classification", "top1", Extract(runs, "top1")));
}

if (task is "detect" or "both")
{
    // Composite detection: real Fashion-MNIST items (3 classes) pasted on crops of real photos (Debian darknet).
    int size = Int("--det-size", 64), init = Int("--det-init", 100), poolSize = Int("--det-pool", quick ? 200 : 600),
        topk = Int("--det-topk", 50), valSize = Int("--det-val", 30), testSize = Int("--det-test", quick ? 40 : 100),
        epochs = Int("--det-epochs", quick ? 1 : 10);
    double empty = double.Parse(Arg("--det-empty", "0"), inv); // share of background-only scenes in every split
    string title = $"Composite detection (3 classes, {size} px{(empty > 0 ? $", {empty * 100:0}% background-only" : "")})";
    var training = new TrainingOptions
    {
        Task = "detect", Architecture = "fcos-lite", Width = Int("--det-width", 16), ImageSize = size, Epochs = epochs, EvalEvery = epochs,
        BatchSize = Int("--det-batch", 8), Threads = Int("--threads", 1), LearningRate = double.Parse(Arg("--det-lr", "0.002"), inv),
        WarmupEpochs = double.Parse(Arg("--warmup", "0.5"), inv),
    };
    string photosDir = Path.Combine(root, ".data", "pkg", "darknet", "usr", "share", "darknet", "data");
    if (!Directory.Exists(photosDir)) throw new DirectoryNotFoundException($"{photosDir}: run scripts/fetch-data.sh darknet");
    var photos = BenchData.Photos(photosDir);
    var (fmImages, fmLabels) = BenchData.ReadIdx(Path.Combine(root, ".data", "fashion-mnist"), "train");
    int[] wanted = [1, 7, 8]; // trouser, sneaker, bag
    string[] classes = wanted.Select(c => BenchData.FashionNames[c]).ToArray();
    var items = Enumerable.Range(0, 3000).Where(i => wanted.Contains(fmLabels[i]))
        .Select(i => new SynthesisItem(BenchData.FashionNames[fmLabels[i]], 28, 28, fmImages[i])).ToList();
    int epochs0 = Int("--det-epochs0", quick ? 1 : 5 * epochs);
    var runs = Run("detect", training, epochs0, init, topk, ["AP50", "AP"], title, ws =>
    {
        BenchData.Import(ws, "val", BenchData.Scenes(photos, items, valSize, size, 101, "val", empty), true, classes);
        BenchData.Import(ws, "test", BenchData.Scenes(photos, items, testSize, size, 202, "test", empty), true, classes);
        var pool = BenchData.Scenes(photos, items, poolSize, size, 303, "pool", empty);
        BenchData.Import(ws, "pool", pool, false, classes);
        BenchData.Import(ws, "oracle", pool, true, classes);
    }, (ws, seed) => BenchData.Import(ws, $"init-s{seed}", BenchData.Scenes(photos, items, init, size, 1000 + seed, $"init{seed}", empty), true, classes));
    report.Add(Curves.Report(title, "AP50", Extract(runs, "AP50")));
    report.Add(Curves.Report(title, "AP", Extract(runs, "AP")));
}

Console.WriteLine();
foreach (var r in report) Console.WriteLine(r);
Console.WriteLine(string.Create(inv, $"total wall time {total.Elapsed.TotalSeconds:0} s ({seeds} seeds x {strategies.Length} strategies x {rounds} rounds per task)"));
return 0;

Dictionary<string, List<IReadOnlyList<IterationRecord>>> Run(string name, TrainingOptions training, int epochs0, int init, int topk,
    string[] metrics, string title, Action<Workspace> shared, Action<Workspace, int> initial)
{
    string home = Path.Combine(work, name);
    var clock = Stopwatch.StartNew();
    using var ws = Workspace.Open(home);
    using var store = new ProjectStore(ws);
    if (ws.Metadata.FindHead("oracle") is null) shared(ws);
    Console.WriteLine(string.Create(inv, $"[{name}] data ready in {clock.Elapsed.TotalSeconds:0} s ({home})"));
    var runs = strategies.ToDictionary(s => s, _ => new List<IReadOnlyList<IterationRecord>>());
    for (int seed = 1; seed <= seeds; seed++)
    {
        if (ws.Metadata.FindHead($"init-s{seed}") is null) initial(ws, seed);
        foreach (string strategy in strategies)
        {
            string projectName = $"{name}-{strategy}-s{seed}";
            Project project = store.List().FirstOrDefault(p => p.Name == projectName) ?? store.Create(new Project
            {
                Id = 0, Name = projectName, Task = name, Owner = "bench", Classes = ws.OpenSnapshot(new("oracle", null)).Classes,
                TrainVersion = ws.Resolve(new($"init-s{seed}", null)).Version, ValVersion = ws.Resolve(new("val", null)).Version,
                TestVersion = ws.Resolve(new("test", null)).Version, PoolVersion = ws.Resolve(new("pool", null)).Version,
            });
            var settings = new IterationSettings
            {
                Strategy = MiningOptions.ParseStrategy(strategy), TopK = topk, Oracle = "oracle", Seed = seed, Aggregation = aggregation,
                Training = training with { Seed = seed },
            };
            var run = Stopwatch.StartNew();
            // Round 0 (the initial model, shared by every strategy of a seed) trains longer; later rounds fine-tune it.
            var runner = new IterationRunner(ws, store);
            runner.RunAsync(project, 0, settings with { Training = settings.Training with { Epochs = epochs0, EvalEvery = epochs0 } }, steps,
                CancellationToken.None).GetAwaiter().GetResult();
            var outcome = runner.RunAsync(project, rounds, settings, steps, CancellationToken.None).GetAwaiter().GetResult();
            string metric = name == "detect" ? "AP50" : "top1";
            Console.WriteLine(string.Create(inv, $"[{name}] seed {seed} {strategy,-9} {run.Elapsed.TotalSeconds,6:0} s  ") +
                string.Join("  ", outcome.History.Select(h => string.Create(inv, $"{h.Labelled}:{h.Metrics?[metric]}"))));
            runs[strategy].Add(outcome.History);
        }
        Console.WriteLine(steps.Summary());
        // the curves so far (a run cut short still reports every finished seed)
        foreach (string m in metrics) Console.WriteLine(Curves.Report($"{title}, after seed {seed}", m, Extract(runs, m)));
    }
    Console.WriteLine(string.Create(inv, $"[{name}] done in {clock.Elapsed.TotalSeconds:0} s"));
    return runs;
}

static Dictionary<string, List<List<(int Labelled, double Value)>>> Extract(Dictionary<string, List<IReadOnlyList<IterationRecord>>> runs, string metric) =>
    runs.ToDictionary(r => r.Key, r => r.Value.Select(h => h.Select(x => (x.Labelled ?? 0, x.Metrics![metric]!.GetValue<double>())).ToList()).ToList());

static List<int> Shuffle(List<int> list, int seed)
{
    var rng = new Random(seed);
    for (int i = list.Count - 1; i > 0; i--) { int j = rng.Next(i + 1); (list[i], list[j]) = (list[j], list[i]); }
    return list;
}
