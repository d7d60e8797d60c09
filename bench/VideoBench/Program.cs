using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Training.Models;
using Seer.Training.Onnx;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;
using TorchSharp;

// Video throughput: N streams of 1280x720 H.264 at 25 fps read in real time (ffmpeg -re, looped), analysed at 5 fps by a
// 320-px fcos-lite (Seer's architecture, untrained weights exported with Seer's ONNX writer) with tracking and a disk
// sink; the largest N whose lag stays under 1 s with nothing dropped; and the pipeline's cost per analysed frame beside
// the bare path (ffmpeg decoding of the same frames + a bare ONNX Runtime run on prepared tensors) in the same run.
//   dotnet run -c Release --project bench/VideoBench -- [--seconds 20] [--max-streams 16]
double seconds = 20;
int maxStreams = 16;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--seconds") seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
    else if (args[i] == "--max-streams") maxStreams = int.Parse(args[++i]);
    else { Console.Error.WriteLine($"unknown argument {args[i]}"); return 2; }
}
string dir = Path.Combine(Path.GetTempPath(), "seer-videobench-" + Environment.ProcessId);
Directory.CreateDirectory(dir);
try
{
    string clip = Path.Combine(dir, "clip.mp4");
    Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "20",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", clip);
    string modelPath = Path.Combine(dir, "fcos-lite-320.onnx");
    using (var net = new FcosLite(classes: 1, width: 64))
    {
        net.eval();
        OnnxExporter.Export(net, new InferenceSpec
        {
            Task = "detect", ClassNames = ["person"], InputWidth = 320, InputHeight = 320, Resize = ResizeMode.Letterbox,
            OutputLayout = OutputLayout.BoxesScores,
        }, modelPath);
    }
    using var model = OnnxModel.Load(modelPath);
    var predictor = new Predictor(model, new PredictorOptions { ScoreThreshold = 0.1f, BatchSize = 1 });
    Console.WriteLine($"VideoBench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

    // 1. Bare path: decode 500 frames (20 s) with ffmpeg into this process; ONNX Runtime on 100 prepared tensors.
    var sw = Stopwatch.StartNew();
    int decoded = DecodeAll(clip, 1280, 720);
    double decodeMs = sw.Elapsed.TotalMilliseconds / decoded;
    var frames = new List<Mat>();
    using (var cap = new VideoCapture(clip))
        for (int k = 0; k < 100; k++) { var m = new Mat(); if (!cap.Read(m)) break; frames.Add(m); }
    var prepared = predictor.Prepare(frames.Select((f, k) => new Seer.Inference.Processing.EncodedImage($"{k}.jpg", f.ImEncode(".jpg"))).Take(1).ToList());
    var session = model.Session;
    sw.Restart();
    int runs = 0;
    foreach (var _ in frames)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(prepared.Tensor, prepared.Shape);
        using var ro = new RunOptions();
        using var outputs = session.Run(ro, [model.InputName], [input], model.OutputNames.ToArray());
        runs++;
    }
    double ortMs = sw.Elapsed.TotalMilliseconds / runs;
    double bareMs = 5 * decodeMs + ortMs;
    Console.WriteLine($"bare: ffmpeg decode {decodeMs:0.00} ms/frame x 5 + ONNX Runtime {ortMs:0.00} ms/run = {bareMs:0.0} ms per analysed frame");

    // 2. Pipeline, one stream as fast as it goes: decode every frame, analyse 5 of 25 per second, track, disk sink.
    sw.Restart();
    var one = new VideoRunner([new StreamOptions { Name = "s0", Source = clip, AnalysisFps = 5 }], predictor, [new DiskSink(Path.Combine(dir, "snaps-fast"))]);
    var r1 = await one.RunAsync(null, CancellationToken.None);
    double pipeMs = sw.Elapsed.TotalMilliseconds / r1.Streams[0].Analysed;
    Console.WriteLine($"pipeline: {r1.Streams[0].Analysed} analysed of {r1.Streams[0].Frames} frames, {pipeMs:0.0} ms per analysed frame (wall, decode overlapped); bare/pipeline = {bareMs / pipeMs:0.00}");

    // 3. Real time: N streams at 25 fps each, analysed at 5 fps; the largest N with lag < 1 s and nothing dropped.
    int best = 0;
    for (int n = 1; n <= maxStreams; n *= 2)
    {
        var streams = Enumerable.Range(0, n).Select(k => new StreamOptions
        {
            Name = $"s{k}", Source = clip, AnalysisFps = 5, Decoder = new FrameSourceOptions { Realtime = true, Loop = true },
        }).ToList();
        var runner = new VideoRunner(streams, predictor, [new DiskSink(Path.Combine(dir, $"snaps-{n}"))]);
        double maxLag = 0;
        var run = runner.RunAsync(seconds, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(250));
            if (watch.Elapsed.TotalSeconds > 4) maxLag = Math.Max(maxLag, runner.Streams.Max(s => s.Health.LagMs));
        }
        var result = await run;
        long dropped = result.Streams.Sum(s => s.Dropped);
        double analysedFps = result.Streams.Average(s => s.Analysed / seconds);
        double inputFps = result.Streams.Average(s => s.Frames / seconds);
        bool ok = maxLag < 1000 && dropped == 0;
        Console.WriteLine($"N={n,2}: input {inputFps:0.0} fps/stream, analysed {analysedFps:0.00} fps/stream, max lag {maxLag:0} ms, dropped {dropped} -> {(ok ? "sustained" : "NOT sustained")}");
        if (!ok) break;
        best = n;
    }
    Console.WriteLine($"largest N sustained for {seconds:0} s: {best} (aim: 16 for 2 minutes)");
    foreach (var f in frames) f.Dispose();
    return 0;
}
finally
{
    Directory.Delete(dir, recursive: true);
}

static void Run(string file, params string[] args)
{
    var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in args) info.ArgumentList.Add(a);
    using var p = Process.Start(info)!;
    string err = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err}");
}

static int DecodeAll(string clip, int w, int h)
{
    var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-nostdin", "-i", clip, "-an", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" })
        info.ArgumentList.Add(a);
    using var p = Process.Start(info)!;
    var buffer = new byte[w * h * 3];
    int frames = 0;
    var s = p.StandardOutput.BaseStream;
    while (true)
    {
        int got = 0;
        while (got < buffer.Length) { int n = s.Read(buffer, got, buffer.Length - got); if (n == 0) break; got += n; }
        if (got < buffer.Length) break;
        frames++;
    }
    p.WaitForExit();
    return frames;
}
