// ImportBench: generates N realistic small JPEGs (random shapes and noise, 320-640 px, quality 85), imports them with
// Seer's import pipeline (hash, probe, integrity checks, blob store with durable batch commit, one SQLite
// transaction) and, in the same run, times the bare baseline `sha256sum` + `cp` of the same files into a fresh
// folder (shell). Prints images/s both ways and the ratio (Seer / baseline; aim >= 0.8).
//   dotnet run -c Release --project bench/ImportBench -- [--images 10000] [--work DIR] [--verify-decode]
using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;
using Seer.Core.Interchange;
using Seer.Data;
using Seer.Data.Import;

int count = 10_000;
string work = Path.Combine(Path.GetTempPath(), "seer-importbench");
bool verifyDecode = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--images") count = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--work") work = args[++i];
    else if (args[i] == "--verify-decode") verifyDecode = true;
}

string images = Path.Combine(work, $"images-{count}");
if (!Directory.Exists(images) || Directory.GetFiles(images).Length != count)
{
    var sw0 = Stopwatch.StartNew();
    if (Directory.Exists(images)) Directory.Delete(images, true);
    Directory.CreateDirectory(images);
    Parallel.For(0, count, i =>
    {
        var rng = new Random(i);
        int w = 320 + rng.Next(320), h = 240 + rng.Next(240);
        using var mat = new Mat(h, w, MatType.CV_8UC3, new Scalar(rng.Next(256), rng.Next(256), rng.Next(256)));
        for (int k = 0; k < 8; k++)
        {
            var color = new Scalar(rng.Next(256), rng.Next(256), rng.Next(256));
            if (k % 2 == 0) Cv2.Rectangle(mat, new Point(rng.Next(w), rng.Next(h)), new Point(rng.Next(w), rng.Next(h)), color, -1);
            else Cv2.Circle(mat, new Point(rng.Next(w), rng.Next(h)), 5 + rng.Next(80), color, -1);
        }
        using var noise = new Mat(h, w, MatType.CV_8UC3);
        Cv2.Randn(noise, new Scalar(0, 0, 0), new Scalar(12, 12, 12));
        Cv2.Add(mat, noise, mat);
        Cv2.ImEncode(".jpg", mat, out var bytes, new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
        File.WriteAllBytes(Path.Combine(images, $"img{i:000000}.jpg"), bytes);
    });
    Console.WriteLine($"generated {count} JPEGs in {sw0.Elapsed.TotalSeconds:0.0} s");
}
var files = Directory.GetFiles(images).Order(StringComparer.Ordinal).ToArray();
long bytesTotal = files.Sum(f => new FileInfo(f).Length);
Console.WriteLine($"{count} images, {bytesTotal / 1e6:0.0} MB, mean {bytesTotal / count / 1024.0:0.0} KB");

// Drop the page cache's advantage for whichever runs second: read every file once before both runs.
foreach (var f in files) File.ReadAllBytes(f);

// Baseline: sha256sum of every file, then cp of every file into a fresh folder, both from the shell.
string copy = Path.Combine(work, "baseline-copy");
if (Directory.Exists(copy)) Directory.Delete(copy, true);
Directory.CreateDirectory(copy);
var baseline = Stopwatch.StartNew();
Shell($"cd '{images}' && find . -maxdepth 1 -name '*.jpg' -print0 | xargs -0 sha256sum > /dev/null && cp -- *.jpg '{copy}/' && sync -f '{copy}'");
baseline.Stop();

// Seer: a fresh workspace, the import pipeline on the same folder.
string home = Path.Combine(work, "home");
if (Directory.Exists(home)) Directory.Delete(home, true);
var seer = Stopwatch.StartNew();
ImportResult result;
using (var ws = Workspace.Open(home))
{
    var items = files.Select(f => new ImportItem(Path.GetFileName(f), () => File.OpenRead(f), f)).ToList();
    result = await new ImportPipeline(ws).RunAsync(new ImportRead(items, []),
        new ImportRequest("bench") { Format = "folder", Source = "bench", VerifyDecode = verifyDecode }, null, CancellationToken.None);
}
seer.Stop();
if (result.Images != count || result.Rejected.Count != 0) throw new InvalidOperationException($"imported {result.Images}, rejected {result.Rejected.Count}");

double seerRate = count / seer.Elapsed.TotalSeconds;
double baseRate = count / baseline.Elapsed.TotalSeconds;
Console.WriteLine($"seer import{(verifyDecode ? " (--verify decode)" : "")}: {seer.Elapsed.TotalSeconds:0.00} s, {seerRate:0} images/s");
Console.WriteLine($"sha256sum + cp (+ sync): {baseline.Elapsed.TotalSeconds:0.00} s, {baseRate:0} images/s");
Console.WriteLine($"ratio seer / baseline: {seerRate / baseRate:0.00}x (cores: {Environment.ProcessorCount})");
Directory.Delete(copy, true);
Directory.Delete(home, true);

static void Shell(string script)
{
    var info = new ProcessStartInfo("bash") { UseShellExecute = false };
    info.ArgumentList.Add("-c");
    info.ArgumentList.Add(script);
    using var p = Process.Start(info)!;
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"baseline script failed with exit {p.ExitCode}");
}
