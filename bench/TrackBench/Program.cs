using System.Diagnostics;
using System.Globalization;
using Seer.Video.Mot;
using Seer.Video.Tracking;
using TrackBench;

// Tracking quality: Seer's ByteTrack-style tracker (the code path of `seer video track`: MotTracking.RunFiles on
// MOTChallenge files) beside a SORT baseline (several settings, best reported) on generated sequences, scored with
// Seer's CLEAR-MOT and ID measures.
//   dotnet run -c Release --project bench/TrackBench -- [--seeds 1,2,3,4,5] [--frames 750] [--fps 25] [--cli path/to/seer.dll]
// With --cli the Seer tracker also runs through the real CLI process and the two result files must be identical.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int[] seeds = [1, 2, 3, 4, 5];
int frames = 750;
double fps = 25;
string? cli = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seeds": seeds = args[++i].Split(',').Select(int.Parse).ToArray(); break;
        case "--frames": frames = int.Parse(args[++i]); break;
        case "--fps": fps = double.Parse(args[++i]); break;
        case "--cli": cli = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
var settings = new SyntheticMot.Settings { Frames = frames, Fps = fps };
string dir = Path.Combine(Path.GetTempPath(), "seer-trackbench-" + Environment.ProcessId);
Directory.CreateDirectory(dir);
try
{
    var sortSettings = (from thr in new[] { 0.3f, 0.5f }
                        from age in new[] { 1, 3, 10, 25 }
                        from hits in new[] { 1, 3 }
                        select new SortOptions { ScoreThreshold = thr, MaxAge = age, MinHits = hits }).ToList();
    var seer = new List<MotMetrics>();
    var seerOnline = new List<MotMetrics>();
    var sort = sortSettings.Select(_ => new List<MotMetrics>()).ToList();
    var sortInterp = sortSettings.Select(_ => new List<MotMetrics>()).ToList();
    double seerMs = 0, sortMs = 0;
    int totalFrames = 0;
    foreach (int seed in seeds)
    {
        var (gt, dets) = SyntheticMot.Generate(seed, settings);
        string detPath = Path.Combine(dir, $"det-{seed}.txt"), outPath = Path.Combine(dir, $"seer-{seed}.txt");
        MotFile.WriteResults(detPath, dets); // same columns as a det.txt (id −1)
        var sw = Stopwatch.StartNew();
        MotTracking.RunFiles(detPath, outPath, fps);
        seerMs += sw.Elapsed.TotalMilliseconds;
        var seerRows = MotFile.Read(outPath);
        seer.Add(MotMetrics.Evaluate(gt, seerRows));
        string onlinePath = Path.Combine(dir, $"seer-online-{seed}.txt");
        MotTracking.RunFiles(detPath, onlinePath, fps, interpolate: false);
        seerOnline.Add(MotMetrics.Evaluate(gt, MotFile.Read(onlinePath)));
        if (cli is not null) CompareWithCli(cli, detPath, outPath, fps, dir, seed);
        var detRows = MotFile.Read(detPath);
        for (int k = 0; k < sortSettings.Count; k++)
        {
            sw.Restart();
            var (rows, _) = MotTracking.Run(detRows, new SortTracker(sortSettings[k]), frames);
            sortMs += sw.Elapsed.TotalMilliseconds;
            sort[k].Add(MotMetrics.Evaluate(gt, rows));
            sortInterp[k].Add(MotMetrics.Evaluate(gt, MotTracking.Interpolate(rows, sortSettings[k].MaxAge)));
        }
        totalFrames += frames;
        Console.WriteLine($"seed {seed}: {gt.Count} gt boxes, {gt.Select(r => r.Id).Distinct().Count()} people, {dets.Count} detections");
    }

    var seerAll = Sum(seer);
    var sortAll = sort.Select(Sum).ToList();
    Console.WriteLine();
    Console.WriteLine($"TrackBench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {seeds.Length} sequences x {frames} frames at {fps} fps, 1280x720");
    Console.WriteLine($"{"tracker",-46} {"MOTA",6} {"IDF1",6} {"MOTP",6} {"IDSW",6} {"FP",7} {"FN",7} {"IDs",5}");
    void Row(string name, MotMetrics m) =>
        Console.WriteLine($"{name,-46} {100 * m.Mota,6:0.0} {100 * m.Idf1,6:0.0} {100 * m.Motp,6:0.0} {m.IdSwitches,6} {m.FalsePositives,7} {m.Misses,7} {m.HypothesisTracks,5}");
    Row("seer (ByteTrack-style, video track)", seerAll);
    Row("seer online (video track --no-interpolate)", Sum(seerOnline));
    for (int k = 0; k < sortSettings.Count; k++) Row("SORT " + sortSettings[k], sortAll[k]);
    int bestIdf1 = Enumerable.Range(0, sortAll.Count).MaxBy(k => sortAll[k].Idf1);
    int bestMota = Enumerable.Range(0, sortAll.Count).MaxBy(k => sortAll[k].Mota);
    Console.WriteLine();
    Console.WriteLine($"best SORT by IDF1: {sortSettings[bestIdf1]}  IDF1 {100 * sortAll[bestIdf1].Idf1:0.0}");
    Console.WriteLine($"best SORT by MOTA: {sortSettings[bestMota]}  MOTA {100 * sortAll[bestMota].Mota:0.0}");
    double dIdf1 = 100 * (seerAll.Idf1 - sortAll[bestIdf1].Idf1), dMota = 100 * (seerAll.Mota - sortAll[bestMota].Mota);
    var sortInterpAll = sortInterp.Select(Sum).ToList();
    int bestInterp = Enumerable.Range(0, sortInterpAll.Count).MaxBy(k => sortInterpAll[k].Idf1 + sortInterpAll[k].Mota);
    Row("SORT best + the same gap interpolation", sortInterpAll[bestInterp]);
    Console.WriteLine($"  (that is {sortSettings[bestInterp]}; SORT's paper has no interpolation, shown for a like-for-like view)");
    Console.WriteLine($"seer - best SORT: IDF1 {dIdf1:+0.0;-0.0} points (aim >= +15: {(dIdf1 >= 15 ? "met" : "NOT met")}), " +
                      $"MOTA {dMota:+0.0;-0.0} points (aim >= +20: {(dMota >= 20 ? "met" : "NOT met")})");
    Console.WriteLine($"tracker time per frame: seer {seerMs / totalFrames:0.000} ms (incl. file read/write), SORT {sortMs / totalFrames / sortSettings.Count:0.000} ms");
    return 0;
}
finally
{
    Directory.Delete(dir, recursive: true);
}

static MotMetrics Sum(List<MotMetrics> ms)
{
    int gt = ms.Sum(m => m.GroundTruth), hyp = ms.Sum(m => m.Hypotheses), match = ms.Sum(m => m.Matches);
    int fp = ms.Sum(m => m.FalsePositives), fn = ms.Sum(m => m.Misses), sw = ms.Sum(m => m.IdSwitches), idtp = ms.Sum(m => m.IdTruePositives);
    return new MotMetrics
    {
        GroundTruth = gt, Hypotheses = hyp, Matches = match, FalsePositives = fp, Misses = fn, IdSwitches = sw,
        Mota = 1 - (double)(fp + fn + sw) / gt,
        Motp = ms.Sum(m => m.Motp * m.Matches) / Math.Max(1, match),
        IdTruePositives = idtp, IdFalsePositives = hyp - idtp, IdFalseNegatives = gt - idtp,
        Idf1 = 2.0 * idtp / (hyp + gt), Idp = (double)idtp / Math.Max(1, hyp), Idr = (double)idtp / gt,
        GroundTruthTracks = ms.Sum(m => m.GroundTruthTracks), HypothesisTracks = ms.Sum(m => m.HypothesisTracks),
    };
}

static void CompareWithCli(string cli, string detPath, string outPath, double fps, string dir, int seed)
{
    string cliOut = Path.Combine(dir, $"cli-{seed}.txt");
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[] { cli, "video", "track", "--detections", detPath, "--out", cliOut, "--fps", fps.ToString(CultureInfo.InvariantCulture), "--json" })
        info.ArgumentList.Add(a);
    using var p = Process.Start(info)!;
    string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"seer video track failed ({p.ExitCode}): {stderr}");
    if (File.ReadAllText(cliOut) != File.ReadAllText(outPath)) throw new InvalidOperationException("CLI and in-process results differ");
    Console.WriteLine($"  seer video track --json: {stdout.ReplaceLineEndings(" ")}");
}
