using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Data;
using Seer.Inference.Models;
using Seer.Training.Onnx;
using Seer.Training.Registry;
using Seer.Workflows.Operations;

namespace Seer.Workflows.Executors;

/// <summary>
/// <c>executor</c> {run: [program, args...], mode?: training|mining|infer (training), train, val (training),
/// dataset (mining, infer: the candidates), model? (mining, infer: a registry model whose files go to in/models;
/// training: a model to start from), config?: {hyper-parameters for config.yaml}, classes?: [...] (default: the
/// training version's classes, or the model's), env?, timeout_seconds? (3600)}: runs an external trainer that follows
/// YMIR's executor contract (<see cref="YmirContract"/>) as a process — there is no container engine here, so
/// <c>/in</c> and <c>/out</c> are folders under the step's artifacts and the executor finds <c>in/env.yaml</c> through
/// <c>YMIR_ENV_FILE</c> (also its first argument when <c>run</c> names none). While it runs, <c>out/monitor.txt</c>
/// becomes the step's progress (percent → done/1000) and log. Training: the stages of <c>out/models/result.yaml</c> go
/// on the card and the best stage is registered as an external model (<see cref="ExternalModels"/>) carrying its mAP →
/// {model, stage, mAP, stages, onnx}. Mining: <c>result.tsv</c> → {scores (a JSON file of file_name/score, best
/// first), images, top}. Infer: <c>infer-result.json</c> → {predictions (COCO results), images, detections}.
/// </summary>
public sealed class ExecutorOperation : IFlowOperation
{
    public string Name => "executor";

    public async Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken)
    {
        context.AllowOnly(inputs, "run", "mode", "train", "val", "dataset", "model", "config", "classes", "env", "timeout_seconds");
        if (inputs["run"] is not JsonArray run || run.Count == 0 || run.Any(x => x is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            throw context.Invalid("run must be a non-empty list of strings: [program, args...]");
        string modeText = context.OptionalString(inputs, "mode") ?? "training";
        YmirMode mode = modeText switch
        {
            "training" => YmirMode.Training, "mining" => YmirMode.Mining, "infer" => YmirMode.Infer,
            _ => throw context.Invalid($"mode must be training, mining or infer (was '{modeText}')"),
        };
        var config = inputs["config"] switch
        {
            null => [],
            JsonObject o => o,
            var other => throw context.Invalid($"config must be an object of hyper-parameters (was {other.ToJsonString()})"),
        };
        foreach (string reserved in new[] { "task_id", "class_names", "gpu_id", "pretrained_model_params", "model_params_path", "run_mining", "run_infer" })
            if (config.ContainsKey(reserved)) throw context.Invalid($"config must not set '{reserved}': Seer writes it into config.yaml");
        double timeout = context.OptionalNumber(inputs, "timeout_seconds") ?? 3600;

        using var workspace = Workspace.Open(context.Home);
        string? modelInput = context.OptionalString(inputs, "model");
        var registry = context.Registry(modelInput);
        DatasetSnapshot? train = null, val = null, candidates = null;
        if (mode == YmirMode.Training)
        {
            train = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "train")));
            val = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "val")));
            if (inputs["dataset"] is not null) throw context.Invalid("mode training reads train and val, not dataset");
        }
        else
        {
            candidates = workspace.OpenSnapshot(DatasetRef.Parse(context.RequireString(inputs, "dataset")));
            if (inputs["train"] is not null || inputs["val"] is not null) throw context.Invalid($"mode {modeText} reads dataset (the candidates), not train/val");
        }
        ModelRecord? model = modelInput is { } m ? registry.Get(m) : null;
        if (model is null && mode != YmirMode.Training) throw context.Invalid($"mode {modeText} needs a model to run");
        List<string> classes = inputs["classes"] is JsonArray cl
            ? cl.Select(c => c is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw context.Invalid("classes must be names")).ToList()
            : model?.Classes.ToList() ?? train!.Classes.ToList();
        if (classes.Count == 0) throw context.Invalid("no class names (the training version has none; give classes)");

        string taskId = "seer_" + string.Concat(context.RunId.Where(char.IsLetterOrDigit)) + "_" + string.Concat(context.Key.Select(c => char.IsLetterOrDigit(c) ? c : '_'));
        var contract = new YmirContract(context.ArtifactPath("ymir"), taskId);
        contract.Prepare(mode, classes, config, train, val, candidates, model is null ? [] : ModelFiles(registry, model));

        var watch = Stopwatch.StartNew();
        await RunProcessAsync(context, contract, run, inputs["env"] as JsonObject, timeout, cancellationToken).ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;

        return mode switch
        {
            YmirMode.Training => RegisterTraining(context, registry, contract, classes, train!, val!, run, seconds),
            YmirMode.Mining => Mining(context, contract),
            _ => Infer(context, contract, classes),
        };
    }

    /// <summary>The files an executor gets in in/models: an external model's own files, or a Seer model's ONNX export.</summary>
    private static List<string> ModelFiles(FileModelRegistry registry, ModelRecord model) =>
        model.External is { } ext
            ? ext.Files.Select(f => Path.Combine(registry.Folder(model.Id), f)).ToList()
            : [RegistryOnnxExport.ExportCached(registry, model.Id)];

    private static async Task RunProcessAsync(FlowStepContext context, YmirContract contract, JsonArray run, JsonObject? env, double timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(run[0]!.GetValue<string>())
        {
            // the directory Seer runs in, so `run` may name a script relative to it (the executor reads only env.yaml's paths)
            WorkingDirectory = Environment.CurrentDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in run.Skip(1)) start.ArgumentList.Add(arg!.GetValue<string>());
        start.Environment["YMIR_ENV_FILE"] = contract.EnvFile;
        start.Environment["SEER_STEP_DIR"] = contract.Root;
        start.Environment["SEER_RUN"] = context.RunId;
        if (env is not null)
            foreach (var (k, v) in env) start.Environment[k] = v is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : v?.ToJsonString();

        using var process = new Process { StartInfo = start };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': cannot start executor '{start.FileName}': {e.Message}", start.FileName);
        }
        var stdout = Lines(process.StandardOutput, context.Log);
        var stderr = Lines(process.StandardError, null);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(timeout));
        YmirMonitor? last = null;
        void Poll()
        {
            var now = contract.ReadMonitor();
            if (now is null || now == last) return;
            if (last is null || now.State != last.State) context.Log($"monitor: {now.State} {now.Percent:0.###}");
            last = now;
            context.Progress?.Report(new WorkProgress("executor", (long)Math.Round(now.Percent * 1000), 1000, now.State));
        }
        try
        {
            var exited = process.WaitForExitAsync(limit.Token);
            while (!exited.IsCompleted)
            {
                Poll();
                await Task.WhenAny(exited, Task.Delay(200, limit.Token)).ConfigureAwait(false);
            }
            await exited.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': executor '{start.FileName}' ran past timeout_seconds {timeout}");
        }
        Poll();
        await stdout.ConfigureAwait(false);
        string errors = await stderr.ConfigureAwait(false);
        if (last?.State == "error")
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': the executor reported an error in monitor.txt: {last.Message ?? "(no message)"}", contract.MonitorFile);
        if (process.ExitCode != 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': executor '{start.FileName}' exited {process.ExitCode}: {Tail(errors, 800)}");
        if (last is null)
            throw new SeerException(ErrorCodes.InvalidInput, $"step '{context.Key}': the executor never wrote monitor.txt (YMIR's contract requires it)", contract.MonitorFile);
    }

    private static JsonObject RegisterTraining(FlowStepContext context, FileModelRegistry registry, YmirContract contract,
        List<string> classes, DatasetSnapshot train, DatasetSnapshot val, JsonArray run, double seconds)
    {
        YmirTrainingResult result = contract.ReadTrainingResult();
        YmirStage best = result.Best;
        string? onnx = best.Files.FirstOrDefault(f => f.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase));
        string task = train.Images.Any(i => i.Objects.Count > 0) ? "detect" : "classify";
        int size = 0;
        if (onnx is not null)
        {
            // the manifest must describe the graph and name the classes config.yaml gave, in that order
            string manifest = Path.Combine(Path.GetDirectoryName(onnx)!, Path.GetFileNameWithoutExtension(onnx) + ".seer.json");
            using var opened = OnnxModel.Load(onnx, File.Exists(manifest) ? manifest : null);
            if (!opened.Spec.ClassNames.SequenceEqual(classes, StringComparer.Ordinal))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"step '{context.Key}': the manifest's class_names ({string.Join(", ", opened.Spec.ClassNames)}) differ from config.yaml's ({string.Join(", ", classes)})", manifest);
            task = opened.Spec.Task;
            size = opened.Spec.InputWidth == opened.Spec.InputHeight ? opened.Spec.InputWidth : 0;
        }
        string source = string.Join(' ', run.Select(a => a!.GetValue<string>()));
        ModelRecord record = ExternalModels.Register(registry, new ExternalModelRegistration
        {
            Task = task, Classes = classes, ImageSize = size, Files = best.Files,
            Metrics = new Dictionary<string, double> { ["mAP"] = best.MAP }, PrimaryMetric = "mAP",
            TrainDataset = train.ToString(), ValDataset = val.ToString(), Source = "ymir-executor: " + source, Stage = best.Name,
            TrainingSeconds = seconds,
        });
        context.Registered(record.Id);
        context.Log($"registered stage '{best.Name}' (mAP {best.MAP.ToString("0.####", CultureInfo.InvariantCulture)}) as model {record.Id}");

        var ordered = result.Stages.OrderBy(s => s.Timestamp).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        context.Card.LineChart("mAP per stage (result.yaml)", ordered.Select((_, i) => (double)i + 1).ToList(),
            [("mAP", ordered.Select(s => (double?)s.MAP).ToList())]);
        context.Card.Table(["stage", "mAP", "timestamp", "files"],
            ordered.Select(s => (IReadOnlyList<object?>)[s.Name == best.Name ? s.Name + " (best)" : s.Name, s.MAP, s.Timestamp, string.Join(", ", s.Files.Select(Path.GetFileName))]),
            $"stages; best: {best.Name}, registered as {record.Id}");
        return new JsonObject
        {
            ["model"] = record.Id,
            ["stage"] = best.Name,
            ["mAP"] = best.MAP,
            ["stages"] = new JsonArray(ordered.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name, ["mAP"] = s.MAP }).ToArray()),
            ["onnx"] = onnx is null ? null : Path.Combine(registry.Folder(record.Id), Path.GetFileName(onnx)),
        };
    }

    private static JsonObject Mining(FlowStepContext context, YmirContract contract)
    {
        var scored = contract.ReadMiningResult().OrderByDescending(s => s.Score).ThenBy(s => s.Image.FileName, StringComparer.Ordinal).ToList();
        string file = context.ArtifactPath("scores.json");
        File.WriteAllText(file, JsonSerializer.Serialize(scored.Select(s => new Dictionary<string, object> { ["file_name"] = s.Image.FileName, ["score"] = s.Score })));
        context.Card.Table(["image", "score"], scored.Take(20).Select(s => (IReadOnlyList<object?>)[s.Image.FileName, s.Score]), "highest scores (result.tsv)");
        return new JsonObject
        {
            ["scores"] = file,
            ["images"] = scored.Count,
            ["top"] = new JsonArray(scored.Take(10).Select(s => (JsonNode)JsonValue.Create(s.Image.FileName)).ToArray()),
        };
    }

    private static JsonObject Infer(FlowStepContext context, YmirContract contract, List<string> classes)
    {
        var images = contract.ReadInferResult(classes);
        var results = new List<Dictionary<string, object>>();
        int id = 0, detections = 0;
        foreach (var (image, boxes) in images.OrderBy(i => i.Image.FileName, StringComparer.Ordinal))
        {
            id++;
            foreach (var b in boxes)
            {
                detections++;
                results.Add(new Dictionary<string, object>
                {
                    ["image_id"] = id, ["file_name"] = image.FileName, ["category_id"] = classes.IndexOf(b.Class) + 1,
                    ["category_name"] = b.Class, ["bbox"] = new[] { b.X, b.Y, b.W, b.H }, ["score"] = b.Score,
                });
            }
        }
        string file = context.ArtifactPath("predictions.json");
        File.WriteAllText(file, JsonSerializer.Serialize(results));
        context.Card.Table(["image", "detections"], images.Take(20).Select(i => (IReadOnlyList<object?>)[i.Image.FileName, i.Boxes.Count]), "infer-result.json");
        return new JsonObject { ["predictions"] = file, ["images"] = images.Count, ["detections"] = detections };
    }

    private static async Task<string> Lines(StreamReader reader, Action<string>? log)
    {
        var sb = new StringBuilder();
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            log?.Invoke(line);
            sb.AppendLine(line);
            if (sb.Length > 128 * 1024) sb.Remove(0, sb.Length - 64 * 1024);
        }
        return sb.ToString();
    }

    private static string Tail(string s, int n) => s.Length <= n ? s.TrimEnd() : "…" + s[^n..].TrimEnd();
}
