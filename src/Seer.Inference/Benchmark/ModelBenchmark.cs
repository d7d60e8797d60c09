using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Seer.Inference.Models;

namespace Seer.Inference.Benchmark;

/// <summary>Settings of <see cref="ModelBenchmark.Run"/> and <see cref="ModelBenchmark.RunAll"/>.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Batch size of the throughput measurement (default 8).</summary>
    public int Batch { get; init; } = 8;
    /// <summary>Untimed runs before each measurement (default 5).</summary>
    public int Warmup { get; init; } = 5;
    /// <summary>Each measurement runs at least this many times ... (default 20)</summary>
    public int MinRuns { get; init; } = 20;
    /// <summary>... and at least this long (default 2 s).</summary>
    public TimeSpan MinTime { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>ONNX Runtime intra-op threads (0: ONNX Runtime's default, one per core).</summary>
    public int Threads { get; init; }
}

/// <summary>One model's figures.</summary>
/// <param name="LatencyMs">median wall time of one batch-1 run (input already prepared: the network alone)</param>
/// <param name="LatencyP90Ms">90th percentile of the batch-1 runs</param>
/// <param name="Throughput">images per second at batch <see cref="Batch"/> (median run)</param>
/// <param name="CpuMs">median CPU time of the process during one batch-1 run (every thread: ONNX Runtime's intra-op
/// threads included); unlike the wall time it does not grow when a loaded machine takes the core away mid-run
/// (NaN where the platform has no process CPU clock)</param>
public sealed record BenchmarkResult(string Path, string Format, string Task, int InputWidth, int InputHeight, long Parameters,
    double Gflops, double LatencyMs, double LatencyP90Ms, int Batch, double Throughput, int Threads, double CpuMs = double.NaN);

/// <summary>
/// Measures ONNX models on this machine with ONNX Runtime's CPU provider, as <see cref="OnnxModel"/> opens them for
/// prediction (all graph optimisations: an INT8 QDQ model runs fused QLinearConv/QGemm): latency at batch 1 and
/// throughput at batch N on a fixed input (a mid-grey image after the model's normalisation), plus the parameters and
/// GFLOPs counted from the graph (<see cref="GraphCostCounter"/>). Several models are measured interleaved in one
/// process (<see cref="RunAll"/>): every model is opened and warmed up, then the timed runs go in rounds, each round a
/// slice of runs of every model in turn, so a change of load on a shared machine falls on all of them alike and their
/// ratio holds.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>Rounds the timed runs of several models are interleaved in (per measurement).</summary>
    private const int Rounds = 20;

    public static BenchmarkResult Run(string modelPath, BenchmarkOptions? options = null, string? manifestPath = null, CancellationToken cancellationToken = default) =>
        RunAll([modelPath], options, manifestPath, cancellationToken)[0];

    /// <summary>
    /// Measures every model of <paramref name="modelPaths"/>, interleaved: batch-1 runs of all models in
    /// <see cref="Rounds"/> alternating rounds (the order of the models turning each round), then the batch-N runs the
    /// same way. Each model gets at least <see cref="BenchmarkOptions.MinRuns"/> runs and
    /// <see cref="BenchmarkOptions.MinTime"/> of runs per measurement.
    /// </summary>
    public static IReadOnlyList<BenchmarkResult> RunAll(IReadOnlyList<string> modelPaths, BenchmarkOptions? options = null, string? manifestPath = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelPaths);
        options ??= new BenchmarkOptions();
        if (options.Batch < 1) throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions, $"--batch must be at least 1 (was {options.Batch})");
        var arms = new List<Arm>();
        try
        {
            foreach (string path in modelPaths)
            {
                var model = OnnxModel.Load(path, manifestPath, options.Threads);
                var spec = model.Spec;
                long[] Shape(int n) => spec.InputLayout == Core.Inference.TensorLayout.Nchw
                    ? [n, spec.Channels, spec.InputHeight, spec.InputWidth]
                    : [n, spec.InputHeight, spec.InputWidth, spec.Channels];
                int item = spec.Channels * spec.InputWidth * spec.InputHeight;
                int batch = model.FixedBatch ?? options.Batch;
                var one = Input(model, 1, item);
                var arm = new Arm(model, batch);
                arms.Add(arm); // disposed in the end whatever happens next
                arm.Cost = GraphCostCounter.Count(model.Path, one, Shape(model.FixedBatch ?? 1), model.InputName);
                arm.One = new Runner(model, one, Shape(model.FixedBatch ?? 1));
                arm.Batched = new Runner(model, Input(model, batch, item), Shape(batch));
            }
            Measure(arms.Select(a => a.One!).ToList(), options, cancellationToken);
            Measure(arms.Select(a => a.Batched!).ToList(), options, cancellationToken);
            return arms.Select(a =>
            {
                var spec = a.Model.Spec;
                double median = Percentile(a.One!.Times, 0.5), p90 = Percentile(a.One.Times, 0.9);
                double batchMedian = Percentile(a.Batched!.Times, 0.5);
                return new BenchmarkResult(a.Model.Path, a.Cost!.Int8 ? "int8" : "fp32", spec.Task, spec.InputWidth, spec.InputHeight, a.Cost.Parameters,
                    a.Cost.Gflops, median, p90, a.Batch, a.Batch / (batchMedian / 1000.0),
                    options.Threads > 0 ? options.Threads : Environment.ProcessorCount, Percentile(a.One.CpuTimes, 0.5));
            }).ToList();
        }
        finally
        {
            foreach (var a in arms)
            {
                a.One?.Dispose();
                a.Batched?.Dispose();
                a.Model.Dispose();
            }
        }
    }

    private sealed class Arm(OnnxModel model, int batch)
    {
        public OnnxModel Model { get; } = model;
        public int Batch { get; } = batch;
        public GraphCost? Cost { get; set; }
        public Runner? One { get; set; }
        public Runner? Batched { get; set; }
    }

    /// <summary>One model on one input: a run and the milliseconds of each timed run.</summary>
    private sealed class Runner(OnnxModel model, float[] input, long[] shape) : IDisposable
    {
        private readonly OrtValue _x = OrtValue.CreateTensorValueFromMemory(input, shape);
        private readonly RunOptions _run = new();
        private readonly string[] _names = model.OutputNames.ToArray();
        public List<double> Times { get; } = [];
        public List<double> CpuTimes { get; } = [];

        public void RunOnce(bool record)
        {
            double cpu = ProcessCpu.Milliseconds();
            long start = Stopwatch.GetTimestamp();
            using (model.Session.Run(_run, [model.InputName], [_x], _names)) { }
            if (!record) return;
            Times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            CpuTimes.Add(ProcessCpu.Milliseconds() - cpu);
        }

        public void Dispose()
        {
            _x.Dispose();
            _run.Dispose();
        }
    }

    private static float[] Input(OnnxModel model, int n, int item)
    {
        // a mid-grey image after the model's normalisation, the same for every model
        var data = new float[(model.FixedBatch ?? n) * item];
        int plane = model.Spec.InputWidth * model.Spec.InputHeight;
        for (int i = 0; i < data.Length; i++)
        {
            int c = model.Spec.InputLayout == Core.Inference.TensorLayout.Nchw ? i / plane % model.Spec.Channels : i % model.Spec.Channels;
            float mean = c < model.Spec.Mean.Count ? model.Spec.Mean[c] : 0f, std = c < model.Spec.Std.Count ? model.Spec.Std[c] : 255f;
            data[i] = (128f - mean) / std;
        }
        return data;
    }

    /// <summary>
    /// Warm-up runs of every runner, then timed runs in rounds: each round gives every runner (in an order that turns
    /// each round) a slice of at least MinRuns / Rounds runs and MinTime / Rounds of time.
    /// </summary>
    private static void Measure(List<Runner> runners, BenchmarkOptions options, CancellationToken ct)
    {
        foreach (var r in runners)
            for (int i = 0; i < options.Warmup; i++) r.RunOnce(record: false);
        int rounds = runners.Count == 1 ? 1 : Rounds;
        int minRuns = Math.Max(1, (options.MinRuns + rounds - 1) / rounds);
        var slice = options.MinTime / rounds;
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < runners.Count; k++)
            {
                var r = runners[(k + round) % runners.Count];
                var clock = Stopwatch.StartNew();
                int done = 0;
                while ((done < minRuns || clock.Elapsed < slice) && r.Times.Count < 100_000)
                {
                    ct.ThrowIfCancellationRequested();
                    r.RunOnce(record: true);
                    done++;
                }
            }
        }
    }

    private static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0 || values.Any(double.IsNaN)) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * (sorted.Count - 1) + 0.5))];
    }

    /// <summary>The process's CPU time (all threads) in milliseconds: Linux CLOCK_PROCESS_CPUTIME_ID, nanosecond resolution.</summary>
    private static class ProcessCpu
    {
        private const int ClockProcessCpuTimeId = 2;

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static double Milliseconds() =>
            OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var t) == 0 ? t.Seconds * 1000.0 + t.Nanoseconds / 1e6 : double.NaN;
    }
}
