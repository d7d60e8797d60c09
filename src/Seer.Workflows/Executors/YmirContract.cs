using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Workflows.Definition;
using YamlDotNet.Serialization;

namespace Seer.Workflows.Executors;

/// <summary>What an executor is asked to do (YMIR's <c>run_training</c> / <c>run_mining</c> / <c>run_infer</c>).</summary>
public enum YmirMode { Training, Mining, Infer }

/// <summary>One stage of a training result: its files (absolute paths), mAP and time.</summary>
public sealed record YmirStage(string Name, IReadOnlyList<string> Files, double MAP, long Timestamp);

/// <summary><c>/out/models/result.yaml</c>: the stages and the best one.</summary>
public sealed record YmirTrainingResult(IReadOnlyList<YmirStage> Stages, string BestStage)
{
    public YmirStage Best => Stages.First(s => s.Name == BestStage);
}

/// <summary>The last line of <c>/out/monitor.txt</c>: task id, time (ms), percent (0..1), state, message.</summary>
public sealed record YmirMonitor(string TaskId, long Timestamp, double Percent, string State, string? Message);

/// <summary>
/// The folders and files of YMIR's executor contract (IndustryEssentials/ymir, docs/ymir-cmd-container.md and the
/// ymir-executor-sdk, protocol 1.1.0), laid out under one folder because Seer runs the executor as a process, not a
/// container: <c>ROOT/in</c> and <c>ROOT/out</c> stand for <c>/in</c> and <c>/out</c>, and every path in
/// <c>in/env.yaml</c> is absolute and points there. In: <c>env.yaml</c> (task_id, protocol_version, run_training,
/// run_mining, run_infer, input.* and output.* paths), <c>config.yaml</c> (task_id, class_names, gpu_id (empty: CPU),
/// pretrained_model_params / model_params_path, the step's hyper-parameters), <c>assets/xx/SHA.ext</c>,
/// <c>annotations/xx/SHA.txt</c> (one line per object <c>class_index,xmin,ymin,xmax,ymax</c> in pixels — YMIR's
/// ark:raw; a classified image has one line with its class index), <c>train-index.tsv</c> / <c>val-index.tsv</c>
/// (<c>asset\tannotation</c>), <c>candidate-index.tsv</c> (one asset a line), <c>models/</c> (a model to mine or infer
/// with). Out: <c>monitor.txt</c>, <c>models/result.yaml</c> (+ <c>models/STAGE/</c> files), <c>result.tsv</c>,
/// <c>infer-result.json</c>.
/// </summary>
public sealed class YmirContract
{
    public const string ProtocolVersion = "1.1.0";

    public YmirContract(string root, string taskId)
    {
        Root = Path.GetFullPath(root);
        TaskId = taskId;
    }

    public string Root { get; }
    public string TaskId { get; }
    public string In => Path.Combine(Root, "in");
    public string Out => Path.Combine(Root, "out");
    public string EnvFile => Path.Combine(In, "env.yaml");
    public string ConfigFile => Path.Combine(In, "config.yaml");
    public string AssetsDir => Path.Combine(In, "assets");
    public string AnnotationsDir => Path.Combine(In, "annotations");
    public string InModelsDir => Path.Combine(In, "models");
    public string TrainIndex => Path.Combine(In, "train-index.tsv");
    public string ValIndex => Path.Combine(In, "val-index.tsv");
    public string CandidateIndex => Path.Combine(In, "candidate-index.tsv");
    public string OutModelsDir => Path.Combine(Out, "models");
    public string TrainingResultFile => Path.Combine(OutModelsDir, "result.yaml");
    public string MonitorFile => Path.Combine(Out, "monitor.txt");
    public string MiningResultFile => Path.Combine(Out, "result.tsv");
    public string InferResultFile => Path.Combine(Out, "infer-result.json");
    public string ExecutorLogFile => Path.Combine(Out, "ymir-executor-out.log");

    /// <summary>asset path → the image it is, for reading result.tsv and infer-result.json back.</summary>
    public Dictionary<string, ImageRecord> Assets { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes in/ (a fresh folder: an earlier attempt's in/ and out/ are removed first) and creates out/.</summary>
    public void Prepare(YmirMode mode, IReadOnlyList<string> classNames, JsonObject hyperParameters,
        DatasetSnapshot? train, DatasetSnapshot? val, DatasetSnapshot? candidates, IReadOnlyList<string> modelFiles)
    {
        if (Directory.Exists(In)) Directory.Delete(In, recursive: true);
        if (Directory.Exists(Out)) Directory.Delete(Out, recursive: true);
        Directory.CreateDirectory(AssetsDir);
        Directory.CreateDirectory(AnnotationsDir);
        Directory.CreateDirectory(InModelsDir);
        Directory.CreateDirectory(OutModelsDir);
        Directory.CreateDirectory(Path.Combine(Out, "tensorboard"));
        var index = classNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        if (train is not null) WriteIndex(TrainIndex, train, index, annotations: true);
        if (val is not null) WriteIndex(ValIndex, val, index, annotations: true);
        if (candidates is not null) WriteIndex(CandidateIndex, candidates, index, annotations: false);

        var models = new List<string>();
        foreach (string file in modelFiles)
        {
            string target = Path.Combine(InModelsDir, Path.GetFileName(file));
            File.Copy(file, target, overwrite: true);
            models.Add(target);
        }

        var config = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in hyperParameters) config[k] = Plain(v);
        config["task_id"] = TaskId;
        config["class_names"] = classNames.ToList();
        config["gpu_id"] = "";   // CPU
        if (mode == YmirMode.Training) config["pretrained_model_params"] = models;
        else config["model_params_path"] = models;
        if (mode != YmirMode.Training)
        {
            config["run_mining"] = mode == YmirMode.Mining ? 1 : 0;
            config["run_infer"] = mode == YmirMode.Infer ? 1 : 0;
        }
        WriteYaml(ConfigFile, config);

        var env = new Dictionary<string, object?>
        {
            ["task_id"] = TaskId,
            ["protocol_version"] = ProtocolVersion,
            ["run_training"] = mode == YmirMode.Training,
            ["run_mining"] = mode == YmirMode.Mining,
            ["run_infer"] = mode == YmirMode.Infer,
            ["input"] = new Dictionary<string, object?>
            {
                ["root_dir"] = In, ["assets_dir"] = AssetsDir, ["annotations_dir"] = AnnotationsDir, ["models_dir"] = InModelsDir,
                ["training_index_file"] = train is null ? "" : TrainIndex, ["val_index_file"] = val is null ? "" : ValIndex,
                ["candidate_index_file"] = candidates is null ? "" : CandidateIndex, ["config_file"] = ConfigFile,
            },
            ["output"] = new Dictionary<string, object?>
            {
                ["root_dir"] = Out, ["models_dir"] = OutModelsDir, ["tensorboard_dir"] = Path.Combine(Out, "tensorboard"),
                ["training_result_file"] = TrainingResultFile, ["mining_result_file"] = MiningResultFile,
                ["infer_result_file"] = InferResultFile, ["monitor_file"] = MonitorFile, ["executor_log_file"] = ExecutorLogFile,
            },
        };
        WriteYaml(EnvFile, env);
    }

    private void WriteIndex(string indexFile, DatasetSnapshot data, Dictionary<string, int> classes, bool annotations)
    {
        using var writer = new StreamWriter(indexFile);
        foreach (var image in data.Images)
        {
            string ext = Path.GetExtension(image.FileName).ToLowerInvariant();
            string sub = image.ContentHash[..2];
            string asset = Path.Combine(AssetsDir, sub, image.ContentHash + ext);
            if (!File.Exists(asset))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(asset)!);
                using var source = data.OpenImage(image);
                using var target = File.Create(asset);
                source.CopyTo(target);
            }
            Assets.TryAdd(asset, image);
            if (!annotations) { writer.Write(asset); writer.Write('\n'); continue; }
            string annotation = Path.Combine(AnnotationsDir, sub, image.ContentHash + ".txt");
            Directory.CreateDirectory(Path.GetDirectoryName(annotation)!);
            var lines = new List<string>();
            foreach (var o in image.Objects)
                if (classes.TryGetValue(o.Label, out int c))
                    lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{c},{Math.Round(o.Box.X1)},{Math.Round(o.Box.Y1)},{Math.Round(o.Box.X2)},{Math.Round(o.Box.Y2)}"));
            foreach (string tag in image.Tags)
                if (classes.TryGetValue(tag, out int c)) { lines.Add(c.ToString(CultureInfo.InvariantCulture)); break; }
            File.WriteAllLines(annotation, lines);
            writer.Write(asset); writer.Write('\t'); writer.Write(annotation); writer.Write('\n');
        }
    }

    private static void WriteYaml(string path, object value)
    {
        var serializer = new SerializerBuilder().Build();
        File.WriteAllText(path, serializer.Serialize(value));
    }

    /// <summary>JSON → plain objects the YAML serializer writes as YAML types (numbers stay numbers).</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => FlowExpressions.TryNumber(v, out double d) && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? (object)(long)d : v.GetValue<double>(),
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    /// <summary>The monitor's record, or null while the file is missing, empty or half-written.</summary>
    public YmirMonitor? ReadMonitor()
    {
        string text;
        try
        {
            if (!File.Exists(MonitorFile)) return null;
            using var stream = new FileStream(MonitorFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        catch (IOException) { return null; }
        return ParseMonitor(text);
    }

    /// <summary><c>task_id timestamp percent state</c> (tabs or spaces), then an optional message.</summary>
    public static YmirMonitor? ParseMonitor(string text)
    {
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var fields = lines[0].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4) return null;
        if (!long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long ts)) return null;
        if (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || !double.IsFinite(percent)) return null;
        string message = string.Join('\n', lines.Skip(1)).Trim();
        return new YmirMonitor(fields[0], ts, Math.Clamp(percent, 0, 1), fields[3], message.Length == 0 ? null : message);
    }

    /// <summary>
    /// Reads <c>out/models/result.yaml</c>: <c>model_stages</c> (the SDK's key; <c>stages</c> as in ymir-info.yaml is
    /// read too) of {stage_name, files, mAP, timestamp} and <c>best_stage_name</c>; protocol 0's {map, model: [files]}
    /// becomes one stage "default". Stage files are looked up in <c>models/STAGE/</c> (protocol ≥ 1.1) then
    /// <c>models/</c>; a missing file, a stage without a numeric mAP or an unknown best stage is refused, naming the file.
    /// </summary>
    public YmirTrainingResult ReadTrainingResult()
    {
        string file = TrainingResultFile;
        if (!File.Exists(file))
            throw new SeerException(ErrorCodes.InvalidInput, "the executor ended without writing models/result.yaml", file);
        var root = FlowLoader.YamlToJson(File.ReadAllText(file), file) as JsonObject
            ?? throw new SeerException(ErrorCodes.InvalidInput, "result.yaml must be a mapping", file);
        var stages = new List<YmirStage>();
        JsonObject? map = root["model_stages"] as JsonObject ?? root["stages"] as JsonObject;
        if (map is not null)
        {
            foreach (var (key, value) in map)
            {
                if (value is not JsonObject s) throw Bad(file, $"stage '{key}' must be a mapping");
                string name = s["stage_name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : key;
                if (!FlowExpressions.TryNumber(s["mAP"], out double mAP) || !double.IsFinite(mAP)) throw Bad(file, $"stage '{name}' has no numeric mAP");
                long ts = FlowExpressions.TryNumber(s["timestamp"], out double t) ? (long)t : 0;
                stages.Add(new YmirStage(name, Files(file, name, s["files"]), mAP, ts));
            }
        }
        else if (root["model"] is JsonArray legacy)
        {
            if (!FlowExpressions.TryNumber(root["map"], out double mAP)) throw Bad(file, "'map' must be a number");
            stages.Add(new YmirStage("default", Files(file, "default", legacy), mAP, 0));
        }
        if (stages.Count == 0) throw Bad(file, "no model_stages");
        string best = root["best_stage_name"] is JsonValue b && b.GetValueKind() == JsonValueKind.String ? b.GetValue<string>()
            : stages.Count == 1 ? stages[0].Name : throw Bad(file, "best_stage_name is missing");
        if (stages.All(s => s.Name != best)) throw Bad(file, $"best_stage_name '{best}' is not one of the stages ({string.Join(", ", stages.Select(s => s.Name))})");
        return new YmirTrainingResult(stages, best);
    }

    private List<string> Files(string file, string stage, JsonNode? node)
    {
        if (node is not JsonArray list || list.Count == 0) throw Bad(file, $"stage '{stage}' lists no files");
        var result = new List<string>();
        foreach (var item in list)
        {
            string name = item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Bad(file, $"stage '{stage}': files must be names");
            if (name.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(name)) throw Bad(file, $"stage '{stage}': file '{name}' must be a name inside models/");
            string inStage = Path.Combine(OutModelsDir, stage, name), flat = Path.Combine(OutModelsDir, name);
            result.Add(File.Exists(inStage) ? inStage : File.Exists(flat) ? flat
                : throw Bad(file, $"stage '{stage}' lists '{name}', which is neither in models/{stage}/ nor in models/"));
        }
        return result;
    }

    /// <summary><c>out/result.tsv</c>: <c>asset_path\tscore</c> per line, every line an asset of candidate-index.tsv.</summary>
    public List<(ImageRecord Image, double Score)> ReadMiningResult()
    {
        string file = MiningResultFile;
        if (!File.Exists(file)) throw new SeerException(ErrorCodes.InvalidInput, "the executor ended without writing result.tsv", file);
        var result = new List<(ImageRecord, double)>();
        int line = 0;
        foreach (string text in File.ReadLines(file))
        {
            line++;
            if (text.Length == 0) continue;
            var parts = text.Split('\t');
            if (parts.Length < 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double score) || !double.IsFinite(score))
                throw Bad(file, $"line {line}: expected 'asset_path<TAB>score'");
            if (!Assets.TryGetValue(parts[0], out var image)) throw Bad(file, $"line {line}: '{parts[0]}' is not in candidate-index.tsv");
            result.Add((image, score));
        }
        return result;
    }

    /// <summary>
    /// <c>out/infer-result.json</c>: {"detection": {ASSET_NAME: {"boxes" (protocol ≥ 1.1; "annotations" before):
    /// [{"box": {x, y, w, h}, "class_name", "score"}]}}} with ASSET_NAME the asset's base name. Returns each
    /// candidate image with its detections; class names must be the model's.
    /// </summary>
    public List<(ImageRecord Image, List<(string Class, double X, double Y, double W, double H, double Score)> Boxes)> ReadInferResult(IReadOnlyCollection<string> classNames)
    {
        string file = InferResultFile;
        if (!File.Exists(file)) throw new SeerException(ErrorCodes.InvalidInput, "the executor ended without writing infer-result.json", file);
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(file)); }
        catch (JsonException e) { throw Bad(file, e.Message); }
        if (root?["detection"] is not JsonObject detection) throw Bad(file, "no 'detection' object");
        var byName = Assets.ToDictionary(p => Path.GetFileName(p.Key), p => p.Value, StringComparer.Ordinal);
        var known = new HashSet<string>(classNames, StringComparer.Ordinal);
        var result = new List<(ImageRecord, List<(string, double, double, double, double, double)>)>();
        foreach (var (asset, value) in detection)
        {
            if (!byName.TryGetValue(asset, out var image)) throw Bad(file, $"'{asset}' is not an asset of candidate-index.tsv");
            var boxes = new List<(string, double, double, double, double, double)>();
            if ((value?["boxes"] ?? value?["annotations"]) is JsonArray list)
                foreach (var b in list)
                {
                    string cls = b?["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : throw Bad(file, $"'{asset}': a box without class_name");
                    if (!known.Contains(cls)) throw Bad(file, $"'{asset}': class '{cls}' is not in config.yaml's class_names");
                    var box = b?["box"];
                    double N(JsonNode? n, string what) => FlowExpressions.TryNumber(n, out double d) && double.IsFinite(d) ? d : throw Bad(file, $"'{asset}': {what} is not a number");
                    boxes.Add((cls, N(box?["x"], "box.x"), N(box?["y"], "box.y"), N(box?["w"], "box.w"), N(box?["h"], "box.h"), N(b?["score"], "score")));
                }
            result.Add((image, boxes));
        }
        return result;
    }

    private static SeerException Bad(string file, string message) =>
        new(ErrorCodes.InvalidInput, $"{Path.GetFileName(file)}: {message}", file);
}
