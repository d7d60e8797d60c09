using System.Text.Json;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Options;
using Seer.Training.Registry;

namespace Seer.Cli.Tests;

/// <summary>
/// <c>seer model export --quantize int8 --calibrate</c>, <c>seer model eval</c> and <c>seer predict</c> on the INT8 file,
/// and <c>seer model benchmark --json</c>, through the CLI on a registry model with random weights and a small imported
/// calibration set.
/// </summary>
public sealed class QuantizeCliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-quant-" + Guid.NewGuid().ToString("N"));

    private string AddClassifier()
    {
        var registry = new FileModelRegistry(_home);
        string id = registry.Create();
        var options = new TrainingOptions { Task = "classify", Architecture = "small-cnn", Width = 8, ImageSize = 32 };
        var record = new ModelRecord
        {
            Id = id, Status = "done", Task = "classify", Architecture = "small-cnn", Classes = ["blue", "red"], ImageSize = 32,
            NormalizationMean = [0.5f, 0.5f, 0.5f], NormalizationStd = [0.25f, 0.25f, 0.25f],
            TrainDataset = "t@1", ValDataset = "v@1", Parameters = options, PrimaryMetric = "top1", PrimaryValue = 0.5,
        };
        using var network = ArchitectureRegistry.Create("small-cnn", 2, options);
        Checkpoint.SaveWeights(registry.WeightsPath(record), network);
        registry.Save(record);
        return id;
    }

    /// <summary>A folders-format set: blue/ and red/ with 8 images each (a coloured square on noise).</summary>
    private string Images()
    {
        string root = Path.Combine(_home, "in", "cal");
        var rng = new Random(7);
        foreach (var (cls, colour) in new[] { ("blue", new OpenCvSharp.Scalar(220, 40, 40)), ("red", new OpenCvSharp.Scalar(40, 40, 220)) })
        {
            Directory.CreateDirectory(Path.Combine(root, cls));
            for (int i = 0; i < 8; i++)
            {
                using var m = new OpenCvSharp.Mat(40, 40, OpenCvSharp.MatType.CV_8UC3);
                OpenCvSharp.Cv2.Randu(m, new OpenCvSharp.Scalar(0, 0, 0), new OpenCvSharp.Scalar(80, 80, 80));
                OpenCvSharp.Cv2.Rectangle(m, new OpenCvSharp.Rect(rng.Next(0, 15), rng.Next(0, 15), 20, 20), colour, -1);
                OpenCvSharp.Cv2.ImWrite(Path.Combine(root, cls, $"{i}.png"), m);
            }
        }
        return root;
    }

    [Fact]
    public async Task Int8Export_WithoutCalibration_IsRefusedWithTheReason()
    {
        string id = AddClassifier();
        string file = Path.Combine(_home, "out", "m.int8.onnx");
        var r = await RunAsync("model", "export", id, "--quantize", "int8", "--out", file);
        Assert.Equal(2, r.Code);
        Assert.Contains("--calibrate", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("not quantised", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(Path.Combine(_home, "models", id, "model.onnx")), "refused before any export work");

        var bad = await RunAsync("model", "export", id, "--quantize", "int4", "--calibrate", "x", "--out", file);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--quantize must be int8", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Int8Export_EvalPredictAndBenchmark_TakeTheQuantisedModel()
    {
        string id = AddClassifier();
        var import = await RunAsync("dataset", "import", Images(), "--format", "folders", "--name", "cal", "--json");
        Assert.True(import.Code == 0, import.Stderr);
        string file = Path.Combine(_home, "out", "m.int8.onnx");
        var export = await RunAsync("model", "export", id, "--quantize", "int8", "--calibrate", "cal", "--out", file, "--json");
        Assert.True(export.Code == 0, export.Stderr);
        using (var doc = JsonDocument.Parse(export.Stdout))
        {
            var root = doc.RootElement;
            Assert.Equal("int8", root.GetProperty("quantize").GetString());
            Assert.Equal(16, root.GetProperty("calibration").GetProperty("images").GetInt32());
            Assert.StartsWith("cal@", root.GetProperty("calibration").GetProperty("dataset").GetString(), StringComparison.Ordinal);
            Assert.Equal(5, root.GetProperty("quantized_weights").GetInt32()); // four convs and the fc; the RGB stem stays float
            Assert.True(root.GetProperty("bytes").GetInt64() < root.GetProperty("source_bytes").GetInt64());
        }

        var eval = await RunAsync("model", "eval", file, "cal", "--json");
        Assert.True(eval.Code == 0, eval.Stderr);
        using (var doc = JsonDocument.Parse(eval.Stdout))
        {
            double top1 = doc.RootElement.GetProperty("top1").GetDouble();
            Assert.InRange(top1, 0, 1);
            Assert.Equal(16, doc.RootElement.GetProperty("per_class").EnumerateObject().Sum(p => p.Value.GetProperty("support").GetInt32()));
        }

        var predict = await RunAsync("predict", file, Path.Combine(_home, "in", "cal", "red", "0.png"), "--json");
        Assert.True(predict.Code == 0, predict.Stderr);
        using (var doc = JsonDocument.Parse(predict.Stdout))
            Assert.Contains(doc.RootElement[0].GetProperty("category_name").GetString(), new[] { "blue", "red" });

        var bench = await RunAsync("model", "benchmark", id, file, "--batch", "4", "--seconds", "0.2", "--eval", "cal", "--json");
        Assert.True(bench.Code == 0, bench.Stderr);
        using (var doc = JsonDocument.Parse(bench.Stdout))
        {
            var rows = doc.RootElement.EnumerateArray().ToList();
            Assert.Equal(2, rows.Count);
            Assert.Equal("fp32", rows[0].GetProperty("format").GetString());
            Assert.Equal("int8", rows[1].GetProperty("format").GetString());
            foreach (var row in rows)
            {
                foreach (string key in new[] { "model", "path", "format", "task", "input_size", "parameters", "gflops", "latency_ms", "latency_p90_ms", "cpu_ms", "batch", "throughput", "threads", "metric", "metric_value", "metric_source" })
                    Assert.True(row.TryGetProperty(key, out _), $"key {key} in {row}");
                Assert.Equal("classify", row.GetProperty("task").GetString());
                Assert.Equal([32, 32], row.GetProperty("input_size").EnumerateArray().Select(e => e.GetInt32()));
                Assert.Equal(4, row.GetProperty("batch").GetInt32());
                double latency = row.GetProperty("latency_ms").GetDouble();
                Assert.True(latency > 0 && latency < 10_000, $"latency {latency}");
                Assert.True(row.GetProperty("latency_p90_ms").GetDouble() >= latency);
                // the process's CPU time per batch-1 run: positive, and not more than the threads could spend in the slowest runs
                double cpu = row.GetProperty("cpu_ms").GetDouble();
                Assert.True(cpu > 0 && cpu <= row.GetProperty("latency_p90_ms").GetDouble() * (row.GetProperty("threads").GetInt32() + 2), $"cpu {cpu} ms, latency {latency} ms");
                Assert.True(row.GetProperty("throughput").GetDouble() > 0);
                Assert.True(row.GetProperty("gflops").GetDouble() > 0);
                Assert.Equal("top1", row.GetProperty("metric").GetString());
                Assert.InRange(row.GetProperty("metric_value").GetDouble(), 0, 1);
                Assert.StartsWith("cal@", row.GetProperty("metric_source").GetString(), StringComparison.Ordinal);
            }
            Assert.Equal(rows[0].GetProperty("parameters").GetInt64(), rows[1].GetProperty("parameters").GetInt64());
            Assert.Equal(rows[0].GetProperty("gflops").GetDouble(), rows[1].GetProperty("gflops").GetDouble());
        }
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        CliProcess.RunAsync(_home, TimeSpan.FromMinutes(3), args);

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
