// Inference benchmark: end-to-end images/s of Seer's predictor (decode → letterbox/resize → normalise → run → decode →
// NMS) beside bare InferenceSession.Run on the same preprocessed tensors, in one process, as a ratio.
//   dotnet run -c Release --project bench/InferenceBench -- [MODEL.onnx IMAGE_DIR [--manifest FILE]] [--repeat N]
//   dotnet run -c Release --project bench/InferenceBench -- --synthetic [--images DIR]
//       (a YOLOv8n-sized 640x640 detector, [N, 84, 8400], ~7.3 GFLOPs; on DIR's photos, default the group photos)
// Default: the face detector and group photos of scripts/fetch-data.sh faces (1920 px JPEGs). The darknet photos
// (scripts/fetch-data.sh darknet: .data/pkg/darknet/usr/share/darknet/data, 300–1352 px) are the usual input size of a
// 640 px detector.
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;

string root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "Seer.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Seer.sln not found");
var positional = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).ToList();
string? Opt(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int repeat = int.Parse(Opt("--repeat") ?? "20", System.Globalization.CultureInfo.InvariantCulture);
string modelPath = positional.Count > 0 ? positional[0] : Path.Combine(root, ".data", "faces", "fr_detect.onnx");
string imageDir = Opt("--images") ?? (positional.Count > 1 ? positional[1] : Path.Combine(root, ".data", "faces"));
string? manifest = Opt("--manifest");
string? tempManifest = null;
if (args.Contains("--synthetic"))
{
    modelPath = SyntheticDetector.Write(Path.Combine(Path.GetTempPath(), $"seer-synthetic-{Environment.ProcessId}.onnx"));
}
else if (positional.Count == 0)
{
    tempManifest = Path.Combine(Path.GetTempPath(), $"fr_detect-{Environment.ProcessId}.seer.json");
    File.WriteAllText(tempManifest, """
        {"task": "detect", "class_names": ["face"], "input_width": 320, "input_height": 240,
         "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
         "output_layout": "boxes_scores", "output_names": ["boxes", "scores"], "boxes_normalized": true, "background_column": 0}
        """);
    manifest = tempManifest;
}

using var model = OnnxModel.Load(modelPath, manifest);
var predictor = new Predictor(model, args.Contains("--synthetic") ? new PredictorOptions() : new PredictorOptions { ScoreThreshold = 0.7f, IouThreshold = 0.3f });
var files = Directory.GetFiles(imageDir).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Order().ToList();
var images = Enumerable.Range(0, repeat).SelectMany(_ => files).Select(EncodedImage.FromFile).ToList();
Console.WriteLine($"model {Path.GetFileName(modelPath)} input {model.Spec.InputWidth}x{model.Spec.InputHeight}, batch {predictor.BatchSize}, {images.Count} images ({files.Count} files x {repeat}), {Environment.ProcessorCount} cores, load avg {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

// Warm-up both paths.
_ = predictor.PredictStream(images.Take(predictor.BatchSize * 2)).ToList();
var batches = images.Chunk(predictor.BatchSize).Select(c => predictor.Prepare(c)).ToList();
using var runOptions = new RunOptions();
void Bare()
{
    foreach (var b in batches)
    {
        using var x = OrtValue.CreateTensorValueFromMemory(b.Tensor, b.Shape);
        using var outputs = model.Session.Run(runOptions, [model.InputName], [x], model.OutputNames);
    }
}
Bare();

double bestBare = 0, bestE2e = 0, bestNoReduce = 0;
double cpuBare = double.MaxValue, cpuE2e = double.MaxValue; // process CPU ms per image (load-independent)
int faces = 0;
var plain = new Predictor(model, predictor.Options with { ReducedJpegDecode = false });
var self = Process.GetCurrentProcess();
TimeSpan Cpu() { self.Refresh(); return self.TotalProcessorTime; }
for (int round = 0; round < 3; round++)
{
    var cpu = Cpu();
    var sw = Stopwatch.StartNew();
    Bare();
    bestBare = Math.Max(bestBare, images.Count / sw.Elapsed.TotalSeconds);
    cpuBare = Math.Min(cpuBare, (Cpu() - cpu).TotalMilliseconds / images.Count);
    cpu = Cpu();
    sw.Restart();
    faces = predictor.PredictStream(images).Sum(p => p.Detections.Count);
    bestE2e = Math.Max(bestE2e, images.Count / sw.Elapsed.TotalSeconds);
    cpuE2e = Math.Min(cpuE2e, (Cpu() - cpu).TotalMilliseconds / images.Count);
    sw.Restart();
    _ = plain.PredictStream(images).Count();
    bestNoReduce = Math.Max(bestNoReduce, images.Count / sw.Elapsed.TotalSeconds);
}
Console.WriteLine($"bare InferenceSession.Run (preprocessed tensors): {bestBare,8:0.0} images/s  ({cpuBare:0.00} CPU ms/image)");
Console.WriteLine($"Seer end-to-end (decode→preprocess→run→NMS):       {bestE2e,8:0.0} images/s  ratio {bestE2e / bestBare:0.00}x  ({faces} detections; {cpuE2e:0.00} CPU ms/image)");
Console.WriteLine($"Seer end-to-end, full JPEG decode:                 {bestNoReduce,8:0.0} images/s  ratio {bestNoReduce / bestBare:0.00}x");
Console.WriteLine($"load avg after: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} (on a loaded machine the pipeline's extra threads get a larger CPU share than the bare loop's one; the CPU ms/image show the work)");
if (args.Contains("--profile"))
{
    var sw2 = Stopwatch.StartNew();
    foreach (var c in images.Chunk(predictor.BatchSize)) predictor.Prepare(c);
    Console.WriteLine($"prepare only: {images.Count / sw2.Elapsed.TotalSeconds:0.0} images/s");
    sw2.Restart();
    foreach (var c in images.Chunk(predictor.BatchSize)) plain.Prepare(c);
    Console.WriteLine($"prepare only, full decode: {images.Count / sw2.Elapsed.TotalSeconds:0.0} images/s");
    sw2.Restart();
    foreach (var b in batches) predictor.Run(b);
    Console.WriteLine($"predictor.Run only: {images.Count / sw2.Elapsed.TotalSeconds:0.0} images/s");
}
if (tempManifest is not null) File.Delete(tempManifest);
if (args.Contains("--synthetic")) File.Delete(modelPath);
