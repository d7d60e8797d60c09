using System.CommandLine;
using System.Globalization;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Inference.Benchmark;
using Seer.Inference.Evaluation;
using Seer.Inference.Models;
using Seer.Training.Onnx;
using Seer.Training.Registry;
using Spectre.Console;

namespace Seer.Cli.Commands;

/// <summary>
/// <c>seer model benchmark MODEL... [--batch N] [--threads T] [--eval DATASET[@V]] [--json]</c>: per model and format
/// the input size, parameters, GFLOPs, batch-1 latency and batch-N throughput on this machine (Seer.Inference's
/// <see cref="ModelBenchmark"/>), beside its metric: the one recorded in the registry for a registry id, or, with
/// --eval, the metric measured through ONNX Runtime on that dataset version for every model.
/// </summary>
public static class ModelBenchmarkCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("MODEL") { Description = "Registry model ids or .onnx files (FP32 or INT8)", Arity = ArgumentArity.OneOrMore };
        var batch = new Option<int>("--batch") { Description = "Batch size of the throughput measurement (default 8)", DefaultValueFactory = _ => 8 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads (default: one per core)", DefaultValueFactory = _ => 0 };
        var eval = new Option<string?>("--eval") { Description = "Also evaluate every model on this dataset NAME[@VERSION] (ONNX Runtime)" };
        var seconds = new Option<double>("--seconds") { Description = "Each measurement runs at least this long (default 2)", DefaultValueFactory = _ => 2.0 };
        var command = new Command("benchmark", "Latency, throughput, parameters and GFLOPs of models on this machine, beside their metric");
        command.Arguments.Add(models);
        command.Options.Add(batch);
        command.Options.Add(threads);
        command.Options.Add(eval);
        command.Options.Add(seconds);
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            int n = parse.GetValue(batch), t = parse.GetValue(threads);
            double s = parse.GetValue(seconds);
            if (n is < 1 or > 1024) throw new SeerException(ErrorCodes.InvalidOptions, $"--batch must be between 1 and 1024 (was {n})");
            if (t is < 0 or > 256) throw new SeerException(ErrorCodes.InvalidOptions, $"--threads must be between 0 and 256 (was {t})");
            if (!(s is > 0 and <= 600)) throw new SeerException(ErrorCodes.InvalidOptions, $"--seconds must be in (0, 600] (was {s})");
            string home = GlobalOptions.ResolveHome(parse);
            var registry = new FileModelRegistry(home);
            Workspace? workspace = null;
            DatasetSnapshot? snapshot = null;
            try
            {
                if (parse.GetValue(eval) is { } dataset)
                {
                    workspace = Workspace.Open(home);
                    snapshot = workspace.OpenSnapshot(DatasetRef.Parse(dataset));
                }
                var rows = new List<Dictionary<string, object?>>();
                var options = new BenchmarkOptions { Batch = n, Threads = t, MinTime = TimeSpan.FromSeconds(s) };
                var resolved = new List<(string Model, string Path, string? Metric, double? Value, string? Source)>();
                foreach (string m in parse.GetValue(models)!)
                {
                    ct.ThrowIfCancellationRequested();
                    if (File.Exists(m) || m.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                    {
                        if (!File.Exists(m)) throw new SeerException(ErrorCodes.NotFound, $"model file '{m}' does not exist", m);
                        resolved.Add((m, Path.GetFullPath(m), null, null, null));
                    }
                    else
                    {
                        SharedModels.Model(home, m);
                        var record = registry.Get(m);
                        string path = RegistryOnnxExport.ExportCached(registry, record.Id);
                        resolved.Add(record.PrimaryMetric.Length > 0
                            ? (m, path, record.PrimaryMetric, record.PrimaryValue, $"registry ({record.ValDataset})")
                            : (m, path, null, null, null));
                    }
                }
                // all models in one interleaved measurement: a load change on a shared machine falls on every model alike
                var results = ModelBenchmark.RunAll(resolved.Select(x => x.Path).ToList(), options, null, ct);
                for (int i = 0; i < resolved.Count; i++)
                {
                    var (m, path, metricName, metricValue, metricSource) = resolved[i];
                    var r = results[i];
                    if (snapshot is not null)
                    {
                        using var onnx = OnnxModel.Load(path);
                        var metrics = OnnxEvaluation.Evaluate(onnx, snapshot, null, ct);
                        metricName = r.Task == "classify" ? "top1" : "AP50";
                        metricValue = metrics.TryGetValue(metricName, out var v) ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : null;
                        metricSource = snapshot.ToString();
                    }
                    rows.Add(new Dictionary<string, object?>
                    {
                        ["model"] = m, ["path"] = r.Path, ["format"] = r.Format, ["task"] = r.Task,
                        ["input_size"] = new[] { r.InputWidth, r.InputHeight }, ["parameters"] = r.Parameters,
                        ["gflops"] = Math.Round(r.Gflops, 4), ["latency_ms"] = Math.Round(r.LatencyMs, 3),
                        ["latency_p90_ms"] = Math.Round(r.LatencyP90Ms, 3),
                        ["cpu_ms"] = double.IsNaN(r.CpuMs) ? null : Math.Round(r.CpuMs, 4), ["batch"] = r.Batch,
                        ["throughput"] = Math.Round(r.Throughput, 2), ["threads"] = r.Threads,
                        ["metric"] = metricName, ["metric_value"] = metricValue, ["metric_source"] = metricSource,
                    });
                }
                if (parse.GetValue(GlobalOptions.Json)) Output.Json(rows);
                else Print(rows);
            }
            finally { workspace?.Dispose(); }
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(List<Dictionary<string, object?>> rows)
    {
        var table = new Table().AddColumns("model", "format", "input", "params", "GFLOPs", "latency b1 (ms)", "CPU b1 (ms)", "throughput (img/s)", "metric");
        foreach (var r in rows)
        {
            var size = (int[])r["input_size"]!;
            string metric = r["metric"] is string name && r["metric_value"] is double v
                ? string.Create(CultureInfo.InvariantCulture, $"{name} {v:0.0000}") : "-";
            table.AddRow(Markup.Escape(Path.GetFileName((string)r["model"]!)), (string)r["format"]!, $"{size[0]}x{size[1]}",
                string.Create(CultureInfo.InvariantCulture, $"{(long)r["parameters"]! / 1e6:0.00}M"),
                string.Create(CultureInfo.InvariantCulture, $"{(double)r["gflops"]!:0.000}"),
                string.Create(CultureInfo.InvariantCulture, $"{(double)r["latency_ms"]!:0.00}"),
                r["cpu_ms"] is double cpu ? string.Create(CultureInfo.InvariantCulture, $"{cpu:0.000}") : "-",
                string.Create(CultureInfo.InvariantCulture, $"{(double)r["throughput"]!:0.0} (b{r["batch"]})"), Markup.Escape(metric));
        }
        AnsiConsole.Write(table);
    }
}
