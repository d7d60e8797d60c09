using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seer.Inference.Models;

namespace Seer.Inference.Benchmark;

/// <summary>Settings of <see cref="ModelBenchmark.Run"/>.</summary>
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
public sealed record BenchmarkResult(string Path, string Format, string Task, int InputWidth, int InputHeight, long Parameters,
    double Gflops, double LatencyMs, double LatencyP90Ms, int Batch, double Throughput, int Threads);

/// <summary>
/// Measures an ONNX model on this machine with ONNX Runtime's CPU provider, as <see cref="OnnxModel"/> opens it for
/// prediction (all graph optimisations: an INT8 QDQ model runs fused QLinearConv/QGemm): latency at batch 1 and
/// throughput at batch N on a fixed input (zeros after the model's normalisation of a mid-grey image), plus the
/// parameters and GFLOPs counted from the graph (<see cref="GraphCostCounter"/>).
/// </summary>
public static class ModelBenchmark
{
    public static BenchmarkResult Run(string modelPath, BenchmarkOptions? options = null, string? manifestPath = null, CancellationToken cancellationToken = default)
    {
        options ??= new BenchmarkOptions();
        if (options.Batch < 1) throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions, $"--batch must be at least 1 (was {options.Batch})");
        using var model = OnnxModel.Load(modelPath, manifestPath, options.Threads);
        var spec = model.Spec;
        long[] Shape(int n) => spec.InputLayout == Core.Inference.TensorLayout.Nchw
            ? [n, spec.Channels, spec.InputHeight, spec.InputWidth]
            : [n, spec.InputHeight, spec.InputWidth, spec.Channels];
        int item = spec.Channels * spec.InputWidth * spec.InputHeight;
        int batch = model.FixedBatch ?? options.Batch;
        var one = Input(model, 1, item);
        var cost = GraphCostCounter.Count(model.Path, one, Shape(model.FixedBatch ?? 1), model.InputName);
        var latencies = Measure(model, one, Shape(model.FixedBatch ?? 1), options, cancellationToken);
        var batchTimes = Measure(model, Input(model, batch, item), Shape(batch), options, cancellationToken);
        double median = Percentile(latencies, 0.5), p90 = Percentile(latencies, 0.9);
        double batchMedian = Percentile(batchTimes, 0.5);
        return new BenchmarkResult(model.Path, cost.Int8 ? "int8" : "fp32", spec.Task, spec.InputWidth, spec.InputHeight, cost.Parameters,
            cost.Gflops, median, p90, batch, batch / (batchMedian / 1000.0),
            options.Threads > 0 ? options.Threads : Environment.ProcessorCount);
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

    /// <summary>Milliseconds of each timed run.</summary>
    private static List<double> Measure(OnnxModel model, float[] input, long[] shape, BenchmarkOptions options, CancellationToken ct)
    {
        using var x = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var run = new RunOptions();
        var names = model.OutputNames.ToArray();
        for (int i = 0; i < options.Warmup; i++)
            using (model.Session.Run(run, [model.InputName], [x], names)) { }
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < options.MinRuns || total.Elapsed < options.MinTime)
        {
            ct.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            using (model.Session.Run(run, [model.InputName], [x], names)) { }
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (times.Count >= 100_000) break;
        }
        return times;
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * (sorted.Count - 1) + 0.5))];
    }
}
