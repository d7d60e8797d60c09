using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Training.Models;
using Seer.Training.Onnx;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

// Video throughput (issue 20). A 1280x720 H.264 25 fps clip (testsrc2 + moving boxes, libx264), a 320-px fcos-lite
// (Seer's architecture, exported with Seer's ONNX writer), one ONNX Runtime session with a bounded intra-op thread count.
//  1. Cost per analysed frame, CPU seconds (this process + its ffmpeg children), same run:
//     bare     = ffmpeg decoding every frame of the clip (-threads 1, -f null) for each stream + a bare ONNX Runtime Run
//                on the analysed frames' tensors (prepared beforehand, same batch size);
//     pipeline = `seer video run`'s code: the same clip as S file streams at once, --fps 5, batched detection across
//                streams, tracking, best shots, disk sink.
//     --profile also splits the pipeline's cost by stage (reading frames, shrinking them, predicting) on the same clip.
//  2. Real time: N streams read at their rate (ffmpeg -re -stream_loop -1), analysed at 5 fps for --seconds each; after
//     a 5 s warm-up every analysed frame's lag is recorded; N is sustained with max lag < 1 s and at most 1 % of the
//     frames due dropped; the sweep stops at the first N that is not, and prints one table row per N and the largest N.
//   dotnet run -c Release --project bench/VideoBench -- [--seconds 120] [--streams 4,8,12,16,20,24] [--threads 2]
//       [--batch 16] [--cost-streams 4] [--no-cost] [--profile] [--quick]
//   --quick: --seconds 20 --streams 1,2,4 --cost-streams 2 (short runs while developing; not the 2-minute sweep)
double? secondsArg = null;
int[]? countsArg = null;
int threads = 2, batch = 16;
int? costStreamsArg = null;
bool cost = true, profile = false, quick = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds": secondsArg = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--streams": countsArg = args[++i].Split(',').Select(int.Parse).ToArray(); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--cost-streams": costStreamsArg = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--no-cost": cost = false; break;
        case "--profile": profile = true; break;
        case "--quick": quick = true; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
double seconds = secondsArg ?? (quick ? 20 : 120);
int[] counts = countsArg ?? (quick ? [1, 2, 4] : [4, 8, 12, 16, 20, 24]);
int costStreams = costStreamsArg ?? (quick ? 2 : 4);
string dir = Path.Combine(Path.GetTempPath(), "seer-videobench-" + Environment.ProcessId);
Directory.CreateDirectory(dir);
try
{
    string clip = Path.Combine(dir, "clip.mp4");
    // Moving boxes over the test pattern: something for the sharpness and crops to work on.
    Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "20",
        "-vf", "drawbox=x='mod(t*120,1100)':y=200:w=90:h=220:color=red@1:t=fill,drawbox=x='1100-mod(t*80,1100)':y=420:w=70:h=180:color=blue@1:t=fill",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", clip);
    string modelPath = Path.Combine(dir, "fcos-lite-320.onnx");
    // fcos-lite as Seer's recipe trains it (width 32, two head convolutions; docs/training.md), untrained weights.
    using (var net = new FcosLite(classes: 1, width: 32, headConvs: 2))
    {
        net.eval();
        OnnxExporter.Export(net, new InferenceSpec
        {
            Task = "detect", ClassNames = ["person"], InputWidth = 320, InputHeight = 320, Resize = ResizeMode.Letterbox,
            OutputLayout = OutputLayout.BoxesScores,
        }, modelPath);
    }
    using var model = OnnxModel.Load(modelPath, intraOpThreads: threads);
    var predictor = new Predictor(model, new PredictorOptions { ScoreThreshold = 0.1f, BatchSize = batch });
    Console.WriteLine($"VideoBench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {Load()}; " +
                      $"fcos-lite 320 (width 32, 2 head convs, untrained), ORT intra-op threads {threads}, batch up to {batch}");

    if (!cost) costStreams = 1; // the real-time sweep alone still needs the bare figures for its ratio column
    // 1a. Bare decode: every frame of the clip, once per stream of the cost run.
    var cpu = Cpu.Now();
    var sw = Stopwatch.StartNew();
    int decoded = 0;
    for (int s = 0; s < costStreams; s++) decoded = DecodeNull(clip);
    var decodeCpu = Cpu.Now() - cpu;
    double decodeWall = sw.Elapsed.TotalSeconds;
    // 1b. Bare ONNX Runtime on the analysed frames (frames 1, 6, 11, ...: 100 per stream), tensors prepared beforehand,
    //     at batch sizes 1, 2, 4, 8, 16: CPU ms per frame (the pipeline is compared at the batch it ran).
    var frames = new List<Mat>();
    using (var cap = new VideoCapture(clip))
        for (int k = 0; k < decoded; k++)
        {
            var m = new Mat();
            if (!cap.Read(m)) break;
            if (k % 5 == 0) frames.Add(m); else m.Dispose();
        }
    var encoded = frames.Select((f, k) => new Seer.Inference.Processing.EncodedImage($"{k}.jpg", f.ImEncode(".jpg"))).ToList();
    foreach (var f in frames) f.Dispose();
    var ortMs = new SortedDictionary<int, (double Cpu, double Wall)>();
    for (int b = 1; b <= batch; b *= 2)
    {
        var bp = new Predictor(model, new PredictorOptions { ScoreThreshold = 0.1f, BatchSize = b });
        var tensors = encoded.Chunk(b).Select(c => bp.Prepare(c.ToList())).ToList();
        RunBare(tensors[0]); // warm-up (first-Run allocations for this shape), outside the timing
        cpu = Cpu.Now();
        sw.Restart();
        foreach (var t in tensors) RunBare(t);
        var used = Cpu.Now() - cpu;
        ortMs[b] = (used.Total * 1000 / encoded.Count, sw.Elapsed.TotalMilliseconds / encoded.Count);
    }
    void RunBare(PreparedBatch t)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(t.Tensor, t.Shape);
        using var ro = new RunOptions();
        using var outputs = model.Session.Run(ro, [model.InputName], [input], model.OutputNames.ToArray());
    }
    double decodeMs = decodeCpu.Total * 1000 / (costStreams * decoded), decodeWallMs = decodeWall * 1000 / (costStreams * decoded);
    Console.WriteLine($"bare ffmpeg decode (-threads 1, -f null): {decodeMs:0.00} CPU ms/frame ({decodeWallMs:0.00} wall), x5 per analysed frame = {5 * decodeMs:0.00} CPU ms");
    Console.WriteLine("bare ONNX Runtime, CPU ms/frame by batch: " + string.Join(", ", ortMs.Select(kv => $"{kv.Key}: {kv.Value.Cpu:0.00} ({kv.Value.Wall:0.00} wall)")));
    // The bare cost of an analysed frame at the pipeline's mean batch (nearest measured batch at or below it).
    double Bare(double meanBatch, bool wall = false)
    {
        var b = ortMs.Keys.Where(k => k <= Math.Max(1, meanBatch)).Max();
        return wall ? 5 * decodeWallMs + ortMs[b].Wall : 5 * decodeMs + ortMs[b].Cpu;
    }

    // Warm-up of the pipeline's code, outside the timing: one stream through the whole clip (100 analysed frames), so
    // the JIT has compiled the per-frame code at its optimised tier before anything is measured.
    await new VideoRunner([new StreamOptions { Name = "warm", Source = clip, AnalysisFps = 5 }], predictor, []).RunAsync(null, CancellationToken.None);

    if (profile)
    {
        // Where the pipeline's CPU goes, stage by stage, on the same clip and stream count as the cost run: each stage
        // adds one step to the one before, run on the streams' own threads (no batching, no tracking, no sinks).
        var (aw, ah) = predictor.InputImageSize(1280, 720);
        var single = new Predictor(model, new PredictorOptions { ScoreThreshold = 0.1f, BatchSize = 1 });
        var stages = new (string Name, Func<VideoFrame, string, Task> PerFrame)[]
        {
            ("ffmpeg select + I420 pipe, frames read into pooled buffers", (_, _) => Task.CompletedTask),
            ("  + shrink to the detector's size (I420 planes -> 320x180 BGR)", (f, _) => { f.ToBgr(aw, ah).Dispose(); return Task.CompletedTask; }),
            ("  + predict (tensor fill, ORT Run, output decoding), batch 1", (f, name) =>
            {
                using var small = f.ToBgr(aw, ah);
                single.PredictDecoded([small], [name], [(f.Width, f.Height)]);
                return Task.CompletedTask;
            }),
        };
        Console.WriteLine($"profile ({costStreams} streams at once, --fps 5; CPU ms per analysed frame; load average {Load()}):");
        Console.WriteLine("| stage | Seer | ffmpeg | total |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, perFrame) in stages)
        {
            var before = Cpu.Now();
            var frameCounts = await Task.WhenAll(Enumerable.Range(0, costStreams).Select(k => Task.Run(async () =>
            {
                var source = new FfmpegFrameSource(clip, new FrameSourceOptions { AnalysisFps = 5 });
                var decoding = Task.Run(() => source.RunAsync(CancellationToken.None));
                long n = 0;
                await foreach (var f in source.Frames.ReadAllAsync())
                {
                    try { await perFrame(f, $"p{k}"); }
                    finally { f.Release(); }
                    n++;
                }
                await decoding;
                return n;
            })));
            var used = Cpu.Now() - before;
            long total = frameCounts.Sum();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {used.Self * 1000 / total:0.00} | {used.Children * 1000 / total:0.00} | {used.Total * 1000 / total:0.00} |"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| bare ONNX Runtime Run, batch 1 (prepared tensors) | {ortMs[1].Cpu:0.00} | | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| bare ffmpeg decode x5 (-f null) | | {5 * decodeMs:0.00} | |"));
    }

    if (cost) {
    // 1c. The pipeline on the same frames: costStreams file streams at once, 5 fps, tracking, disk sink.
    var fileStreams = Enumerable.Range(0, costStreams).Select(k => new StreamOptions { Name = $"f{k}", Source = clip, AnalysisFps = 5 }).ToList();
    int gen2 = GC.CollectionCount(2);
    var pause = GC.GetTotalPauseDuration();
    cpu = Cpu.Now();
    sw.Restart();
    var runner = new VideoRunner(fileStreams, predictor, [new DiskSink(Path.Combine(dir, "snaps-cost"))]);
    var r1 = await runner.RunAsync(null, CancellationToken.None);
    var pipeCpu = Cpu.Now() - cpu;
    double pipeWall = sw.Elapsed.TotalSeconds;
    long analysed = r1.Streams.Sum(s => s.Analysed);
    double pipeCpuMs = pipeCpu.Total * 1000 / analysed, pipeWallMs = pipeWall * 1000 / analysed;
    var (runs, images) = runner.Detector.Counters;
    Console.WriteLine($"pipeline: {analysed} analysed of {r1.Streams.Sum(s => s.Frames)} frames, {r1.Streams.Sum(s => s.Snapshots)} snapshots, " +
                      $"mean batch {(double)images / Math.Max(1, runs):0.0}; {pipeCpu.Total:0.00} CPU s ({pipeCpu.Children:0.00} in ffmpeg), " +
                      $"{pipeWall:0.00} s wall = {pipeCpuMs:0.00} CPU ms ({pipeWallMs:0.00} wall ms) per analysed frame");
    double meanBatch = (double)images / Math.Max(1, runs);
    Console.WriteLine($"  GC: {GC.CollectionCount(2) - gen2} gen2 collections, {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0} ms paused");
    Console.WriteLine($"ratio bare/pipeline at batch {meanBatch:0.0}: {Bare(meanBatch) / pipeCpuMs:0.00} (CPU: bare {Bare(meanBatch):0.00} ms), " +
                      $"{Bare(meanBatch, wall: true) / pipeWallMs:0.00} (wall)   aim >= 0.9; load average {Load()}");

    }

    // 2. Real time.
    int best = 0;
    var rows = new List<string>();
    foreach (int n in counts)
    {
        var streams = Enumerable.Range(0, n).Select(k => new StreamOptions
        {
            Name = $"s{k}", Source = clip, AnalysisFps = 5, Decoder = new FrameSourceOptions { Realtime = true, Loop = true },
        }).ToList();
        var live = new VideoRunner(streams, predictor, [new DiskSink(Path.Combine(dir, $"snaps-{n}"))]);
        var lags = new List<double>();
        bool warm = false;
        foreach (var s in live.Streams) s.LagObserver = lag => { if (Volatile.Read(ref warm)) lock (lags) lags.Add(lag); };
        string loadBefore = Load();
        cpu = Cpu.Now();
        var run = live.RunAsync(seconds, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        long droppedAtWarm = 0, analysedAtWarm = 0;
        while (!run.IsCompleted && watch.Elapsed.TotalSeconds < 5) await Task.WhenAny(run, Task.Delay(100));
        if (!run.IsCompleted)
        {
            droppedAtWarm = live.Streams.Sum(s => s.Health.Dropped);
            analysedAtWarm = live.Streams.Sum(s => s.Health.Analysed);
            Volatile.Write(ref warm, true);
        }
        var result = await run;
        var used = Cpu.Now() - cpu;
        double[] sorted;
        lock (lags) sorted = lags.Order().ToArray();
        long dropped = result.Streams.Sum(s => s.Dropped) - droppedAtWarm;
        double window = seconds - 5;
        double analysedFps = (result.Streams.Sum(s => s.Analysed) - analysedAtWarm) / window / n;
        double inputFps = result.Streams.Average(s => s.Frames / seconds);
        // Sustained: lag under 1 s, and at most 1 % of the frames due dropped (a live source that was starved of CPU by
        // other processes delivers a burst when it catches up; the one-frame slot drops rather than queueing it).
        long due = result.Streams.Sum(s => s.Analysed) - analysedAtWarm + dropped;
        double mean = sorted.Length > 0 ? sorted.Average() : double.NaN;
        double p99 = sorted.Length > 0 ? sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1] : double.NaN;
        double max = sorted.Length > 0 ? sorted[^1] : double.NaN;
        bool ok = sorted.Length > 0 && max < 1000 && dropped <= 0.01 * due;
        var (lr, li) = live.Detector.Counters;
        double liveBatch = (double)li / Math.Max(1, lr);
        long liveAnalysed = result.Streams.Sum(s => s.Analysed);
        double liveMs = used.Total * 1000 / Math.Max(1, liveAnalysed);
        string loadAfter = Load();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"N={n,2}: input {inputFps:0.0} fps/stream, analysed {analysedFps:0.00} fps/stream, mean lag {mean:0} ms, " +
            $"p99 lag {p99:0} ms, max lag {max:0} ms, dropped {dropped} of {due}, mean batch {liveBatch:0.0}, CPU {used.Total / seconds:0.00} cores ({used.Children / seconds:0.00} ffmpeg), " +
            $"{liveMs:0.00} CPU ms per analysed frame (bare/pipeline {Bare(liveBatch) / liveMs:0.00}), " +
            $"load {loadBefore} -> {loadAfter} -> {(ok ? "sustained" : "NOT sustained")}"));
        rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {n} | {mean:0} | {p99:0} | {max:0} | {dropped} of {due} | {(ok ? "yes" : "no")} | {used.Total / seconds:0.00} | {loadBefore} -> {loadAfter} |"));
        if (!ok) break;
        best = n;
    }
    Console.WriteLine();
    Console.WriteLine($"Real time, {seconds:0} s per N (lag after a 5 s warm-up; 25 fps 1280x720 H.264 sources analysed at 5 fps):");
    Console.WriteLine("| N | mean lag ms | p99 lag ms | max lag ms | dropped | sustained | CPU cores used | load average |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var r in rows) Console.WriteLine(r);
    Console.WriteLine($"largest N sustained for {seconds:0} s (max lag < 1 s, at most 1 % dropped): {best}   aim: 16; load average {Load()}" +
                      (quick ? "   (--quick: a short run, not the 2-minute sweep)" : ""));
    return 0;
}
finally
{
    Directory.Delete(dir, recursive: true);
}

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

static void Run(string file, params string[] args)
{
    var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in args) info.ArgumentList.Add(a);
    using var p = Process.Start(info)!;
    string err = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err}");
}

// The bare decode: every frame, one thread, nothing written.
static int DecodeNull(string clip)
{
    var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in new[] { "-hide_banner", "-nostdin", "-threads", "1", "-i", clip, "-an", "-f", "null", "-" })
        info.ArgumentList.Add(a);
    using var p = Process.Start(info)!;
    string err = p.StandardError.ReadToEnd();
    p.WaitForExit();
    // "frame=  500 fps=..." in the last progress line.
    int at = err.LastIndexOf("frame=", StringComparison.Ordinal);
    return at < 0 ? 0 : int.Parse(err[(at + 6)..].TrimStart().Split(' ')[0], CultureInfo.InvariantCulture);
}

/// <summary>CPU seconds of this process and of its terminated children (getrusage).</summary>
readonly record struct Cpu(double Self, double Children)
{
    public double Total => Self + Children;
    public static Cpu operator -(Cpu a, Cpu b) => new(a.Self - b.Self, a.Children - b.Children);

    public static Cpu Now() => new(Usage(0), Usage(-1));

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SysSec, SysUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    private static double Usage(int who)
    {
        if (getrusage(who, out var u) != 0) throw new InvalidOperationException("getrusage failed");
        return u.UserSec + u.UserUsec / 1e6 + u.SysSec + u.SysUsec / 1e6;
    }
}
