using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CocoEvalBench;
using Seer.Evaluation;

// Seer's COCO evaluation vs pycocotools on the same files, in the same run.
// Usage: dotnet run -c Release --project bench/CocoEvalBench -- [--images 5000] [--classes 80] [--preds 20] [--runs 3]
// pycocotools is looked up with /usr/bin/python3 (PYTHONPATH or PYCOCOTOOLS_PATH = folder holding pycocotools/).
int images = Arg("--images", 5000), classes = Arg("--classes", 80), preds = Arg("--preds", 20), runs = Arg("--runs", 3);
string dir = Directory.CreateTempSubdirectory("seer-cocoevalbench-").FullName;
try
{
    string gtPath = Path.Combine(dir, "gt.json"), predPath = Path.Combine(dir, "pred.json");
    var (objects, dets) = SyntheticCoco.Write(gtPath, predPath, images, classes, preds, seed: 42);
    Console.WriteLine($"set: {images} images, {classes} classes, {objects} objects, {dets} detections ({dets / (double)images:0.0}/image)");

    DetectionEvaluator.EvaluateCocoFiles(gtPath, predPath); // warm-up (JIT)
    var seerTimes = new List<double>();
    var seerCpu = new List<double>();
    var loadTimes = new List<double>();
    DetectionMetrics seer = null!;
    var self = Process.GetCurrentProcess();
    for (int r = 0; r < runs; r++)
    {
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var data = Seer.Evaluation.Internal.CocoJsonReader.Read(gtPath, predPath);
        loadTimes.Add(sw.Elapsed.TotalSeconds);
        seer = Seer.Evaluation.Internal.CocoSummary.Summarize(data, Seer.Evaluation.Internal.CocoEngine.Run(data));
        seerTimes.Add(sw.Elapsed.TotalSeconds);
        self.Refresh();
        seerCpu.Add((self.TotalProcessorTime - cpu0).TotalSeconds);
    }

    double seerMedian = Median(seerTimes), seerLoad = Median(loadTimes), seerEval = Median(seerTimes.Zip(loadTimes, (a, b) => a - b).ToList());
    Console.WriteLine($"Seer         load: {seerLoad:0.000} s, evaluate+accumulate+summarize: {seerEval:0.000} s, total {seerMedian:0.000} s " +
                      $"(wall, median of {runs}; CPU {Median(seerCpu):0.000} s; {Environment.ProcessorCount} cores)");

    var py = RunPycocotools(gtPath, predPath);
    if (py is null)
    {
        Console.WriteLine("pycocotools not available (install it for /usr/bin/python3 or set PYCOCOTOOLS_PATH); Seer's time alone above");
        Console.WriteLine($"AP {seer.AP:0.0000}  AP50 {seer.AP50:0.0000}  AR100 {seer.AR100:0.0000}");
        return 0;
    }

    var (load, evaluate, cpuTotal, stats) = py.Value;
    Console.WriteLine($"pycocotools  load: {load:0.000} s, evaluate+accumulate+summarize: {evaluate:0.000} s, total {load + evaluate:0.000} s (wall; CPU {cpuTotal:0.000} s)");
    double[] mine = [seer.AP, seer.AP50, seer.AP75, seer.APs, seer.APm, seer.APl, seer.AR1, seer.AR10, seer.AR100, seer.ARs, seer.ARm, seer.ARl];
    double maxDiff = mine.Zip(stats).Max(p => Math.Abs(p.First - p.Second));
    Console.WriteLine($"stats: AP {seer.AP:0.000000} (pycocotools {stats[0]:0.000000}); max |difference| over the 12 stats: {maxDiff:E2}");
    Console.WriteLine($"ratio (wall): Seer is {(load + evaluate) / seerMedian:0.0}x faster end to end, {evaluate / seerEval:0.0}x on evaluate+accumulate+summarize");
    Console.WriteLine($"ratio (CPU time, end to end): {cpuTotal / Median(seerCpu):0.0}x");
    return maxDiff <= 1e-9 ? 0 : 1;
}
finally
{
    Directory.Delete(dir, recursive: true);
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s[s.Count / 2];
}

static (double Load, double Evaluate, double Cpu, double[] Stats)? RunPycocotools(string gtPath, string predPath)
{
    const string script = """
        import contextlib, io, json, sys, time
        try:
            from pycocotools.coco import COCO
            from pycocotools.cocoeval import COCOeval
        except Exception as e:
            print(json.dumps({"error": str(e)})); sys.exit(0)
        with contextlib.redirect_stdout(io.StringIO()):
            t0 = time.perf_counter(); c0 = time.process_time()
            gt = COCO(sys.argv[1]); dt = gt.loadRes(sys.argv[2])
            t1 = time.perf_counter()
            e = COCOeval(gt, dt, 'bbox'); e.evaluate(); e.accumulate(); e.summarize()
            t2 = time.perf_counter(); c2 = time.process_time()
        print(json.dumps({"load": t1 - t0, "eval": t2 - t1, "cpu": c2 - c0, "stats": [float(s) for s in e.stats]}))
        """;
    if (!File.Exists("/usr/bin/python3")) return null;
    var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add("-c");
    psi.ArgumentList.Add(script);
    psi.ArgumentList.Add(gtPath);
    psi.ArgumentList.Add(predPath);
    string? extra = Environment.GetEnvironmentVariable("PYCOCOTOOLS_PATH");
    if (!string.IsNullOrEmpty(extra))
        psi.Environment["PYTHONPATH"] = extra + (psi.Environment.TryGetValue("PYTHONPATH", out var p) && !string.IsNullOrEmpty(p) ? ":" + p : "");
    using var proc = Process.Start(psi)!;
    string stdout = proc.StandardOutput.ReadToEnd();
    string stderr = proc.StandardError.ReadToEnd();
    proc.WaitForExit();
    string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
    if (proc.ExitCode != 0 || line is null)
    {
        Console.Error.WriteLine($"pycocotools run failed: {stderr.Trim()}");
        return null;
    }

    using var doc = JsonDocument.Parse(line);
    if (doc.RootElement.TryGetProperty("error", out _)) return null;
    return (doc.RootElement.GetProperty("load").GetDouble(), doc.RootElement.GetProperty("eval").GetDouble(),
        doc.RootElement.GetProperty("cpu").GetDouble(),
        doc.RootElement.GetProperty("stats").EnumerateArray().Select(s => s.GetDouble()).ToArray());
}
