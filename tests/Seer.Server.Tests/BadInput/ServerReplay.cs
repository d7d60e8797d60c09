using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Tests.BadInput;

namespace Seer.Server.Tests.BadInput;

/// <summary>One HTTP request that replays a bad-input case through the server (a case may give two: by path and as an upload).</summary>
public sealed record Replay(string Label, Func<HttpRequestMessage> Request, bool Upload = false, bool AsAdmin = false);

/// <summary>
/// Turns a bad-input case's CLI arguments (<see cref="BadInputCases"/>) into the server requests that do the same:
/// dataset / label-task imports become import jobs (by path from HOME/imports, and as a .zip upload where the source is
/// one), exports export jobs, evaluations evaluation jobs, training and mining their jobs (a params file is the job's
/// parameters), vector files multipart uploads to the feature group, predictions the image API. Cases without a server
/// counterpart are named in <see cref="CliOnly"/> with the reason.
/// </summary>
public static class ServerReplay
{
    /// <summary>The served name the fixture's classifier is registered under.</summary>
    public const string Model = "meancolour";

    /// <summary>Cases that have no server counterpart, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> CliOnly = new Dictionary<string, string>
    {
        ["unwritable-workspace"] = "the server's workspace is its own, checked when it starts",
        ["workspace-is-a-file"] = "the server's workspace is its own, checked when it starts",
        ["parser-error-unknown-option"] = "a command-line parser error (malformed request bodies: BadRequestTests)",
        ["parser-error-bad-int"] = "a command-line parser error (malformed request bodies: BadRequestTests)",
        ["parser-error-missing-required"] = "a command-line parser error (malformed request bodies: BadRequestTests)",
        ["parser-error-unknown-command"] = "a command-line parser error (unknown routes answer 404)",
        ["predict-out-proc"] = "--out is where the CLI writes; the image API answers in the response",
        ["predict-batch-zero"] = "--batch is the CLI's; the image API takes one image a request",
        ["predict-fifo-image"] = "an upload is bytes: a named pipe cannot be sent",
        ["predict-folder-with-fifo"] = "an upload is bytes: a named pipe cannot be sent",
        ["search-add-fifo-vectors"] = "an upload is bytes: a named pipe cannot be sent",
        ["train-params-fifo"] = "an upload is bytes: a named pipe cannot be sent (a job's parameters are its JSON body)",
        ["admin-migrate-to-not-postgres"] = "seer admin migrate copies a workspace offline; the server has no route for it",
        ["admin-migrate-blobs-not-s3"] = "seer admin migrate copies a workspace offline; the server has no route for it",
        ["admin-migrate-to-unreachable"] = "seer admin migrate copies a workspace offline; the server has no route for it",
        ["worker-without-db"] = "seer worker is a process of its own; the server's database comes from its start",
        ["worker-cpu-zero"] = "seer worker is a process of its own (its slots are its command line)",
        ["worker-gpus-not-ids"] = "seer worker is a process of its own (its slots are its command line)",
        ["eval-classification-gt-malformed"] = "the evaluation job scores COCO detection results; classification is evaluated on a model and a dataset",
    };

    public static IReadOnlyList<Replay> Requests(string[] args, string home)
    {
        string Option(string name) => OptionOrNull(args, name) ?? throw new ArgumentException($"no {name} in {string.Join(' ', args)}");
        return (args[0], args.ElementAtOrDefault(1)) switch
        {
            ("dataset", "import") => Import(args[2], OptionOrNull(args, "--format"), OptionOrNull(args, "--name") ?? "bad", Extras(args, "--format", "--name")),
            ("label", "import") => Import(args[2], Option("--tool") + "-task", Option("--name"), []),
            ("dataset", "export") => [Json("export", HttpMethod.Post, $"/api/datasets/{args[2]}/export",
                new JsonObject { ["format"] = Option("--format"), ["output"] = ExportTarget(Option("--out"), home) })],
            ("search", "add") => [SearchAdd(args[2], Option("--vectors"), OptionOrNull(args, "--ids"))],
            ("search", "query") => [Json("search", HttpMethod.Post, $"/api/groups/{args[2]}/search?k={Option("--k")}",
                new JsonObject { ["vectors"] = Rows(Option("--vectors")) })],
            ("search", "compare") => [Json("compare", HttpMethod.Post, "/api/compare",
                new JsonObject { ["a"] = Rows(Option("--a"))[0]!.DeepClone(), ["b"] = Rows(Option("--b"))[0]!.DeepClone() })],
            ("search", "group") => [Json("create group", HttpMethod.Post, "/api/groups", new JsonObject
            {
                ["name"] = args[3], ["dim"] = long.Parse(Option("--dim"), CultureInfo.InvariantCulture), ["metric"] = Option("--metric"),
            })],
            ("eval", "detection") => [Job("evaluation", new JsonObject { ["ground_truth"] = Option("--gt"), ["results"] = Option("--pred") })],
            ("predict", _) => Predict(args),
            ("mine", _) => [Job("mining", new JsonObject
            {
                ["pool"] = args[2], ["model"] = Model, ["topk"] = long.Parse(Option("--topk"), CultureInfo.InvariantCulture),
            })],
            ("train", _) => [Training(args)],
            _ => throw new ArgumentException($"no server replay for '{string.Join(' ', args)}': add one, or name the case in CliOnly"),
        };
    }

    /// <summary>
    /// Exports are written under HOME/exports: an output the case made inside the workspace (e.g. a file where the
    /// folder should go) is moved there, keeping its name; any other (e.g. /proc/x) is sent as it is.
    /// </summary>
    private static string ExportTarget(string output, string home)
    {
        string imports = Path.Combine(home, "imports") + Path.DirectorySeparatorChar;
        if (!output.StartsWith(imports, StringComparison.Ordinal)) return output;
        string target = Path.Combine(home, "exports", Path.GetRelativePath(imports, output));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(output)) File.Move(output, target);
        else if (Directory.Exists(output)) Directory.Move(output, target);
        return target;
    }

    private static string? OptionOrNull(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Options the server's import has no key for (--verify, --map, --max-pixels): sent as keys of the body, which it must refuse.</summary>
    private static List<(string Key, string Value)> Extras(string[] args, params string[] known)
    {
        var extras = new List<(string, string)>();
        for (int i = 3; i + 1 < args.Length; i += 2)
            if (args[i].StartsWith("--", StringComparison.Ordinal) && !known.Contains(args[i]))
                extras.Add((args[i][2..].Replace('-', '_'), args[i + 1]));
        return extras;
    }

    private static List<Replay> Import(string source, string? format, string dataset, List<(string Key, string Value)> extras)
    {
        var body = new JsonObject { ["dataset"] = dataset, ["format"] = format, ["path"] = source };
        foreach (var (key, value) in extras) body[key] = value;
        var requests = new List<Replay> { Json("import by path", HttpMethod.Post, "/api/datasets/import", body) };
        if (source.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && File.Exists(source) && extras.Count == 0 && format is not null)
            requests.Add(new Replay("import upload", () => new HttpRequestMessage(HttpMethod.Post, "/api/datasets/import")
            {
                Content = new MultipartFormDataContent
                {
                    { new StringContent(dataset), "dataset" },
                    { new StringContent(format), "format" },
                    { FileContent("application/zip", source), "file", Path.GetFileName(source) },
                },
            }, Upload: true));
        return requests;
    }

    private static Replay SearchAdd(string group, string vectors, string? ids) => new("add vector file", () =>
    {
        var form = new MultipartFormDataContent { { FileContent("application/octet-stream", vectors), "vectors", Path.GetFileName(vectors) } };
        if (ids is not null) form.Add(FileContent("text/plain", ids), "ids", Path.GetFileName(ids));
        return new HttpRequestMessage(HttpMethod.Post, $"/api/groups/{group}/items") { Content = form };
    });

    private static List<Replay> Predict(string[] args)
    {
        string model = args[1], image = args[2];
        // A model file that is not the fixture's classifier is what the case is about: register it (admin).
        if (!model.EndsWith(Model + ".onnx", StringComparison.Ordinal))
            return [Json("register model", HttpMethod.Post, "/api/models", new JsonObject { ["name"] = "bad-model", ["onnx_path"] = model }, asAdmin: true)];
        string query = OptionOrNull(args, "--threshold") is { } t ? "?threshold=" + Uri.EscapeDataString(t) : "";
        return [new Replay("image API", () => new HttpRequestMessage(HttpMethod.Post, $"/api/models/{Model}/analyze{query}")
        {
            Content = new MultipartFormDataContent { { FileContent("application/octet-stream", image), "image", Path.GetFileName(image) } },
        })];
    }

    /// <summary>Training: the params file is the job's parameters (sent as written, malformed or not), beside train and val.</summary>
    private static Replay Training(string[] args)
    {
        string train = OptionOrNull(args, "--train")!, val = OptionOrNull(args, "--val")!;
        string parameters;
        if (OptionOrNull(args, "--params") is { } file)
        {
            string text = File.ReadAllText(file);
            JsonObject? parsed = null;
            try
            {
                parsed = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
            }
            if (parsed is null) parameters = text; // sent as it is: the server must answer 400 naming the JSON error
            else
            {
                parsed["train"] = train;
                parsed["val"] = val;
                parameters = parsed.ToJsonString();
            }
        }
        else
        {
            var p = new JsonObject { ["train"] = train, ["val"] = val };
            if (OptionOrNull(args, "--epochs") is { } epochs) p["epochs"] = long.Parse(epochs, CultureInfo.InvariantCulture);
            parameters = p.ToJsonString();
        }
        string body = "{\"kind\": \"training\", \"parameters\": " + parameters + "}";
        return new Replay("training job", () => new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });
    }

    private static Replay Job(string kind, JsonObject parameters) =>
        Json(kind + " job", HttpMethod.Post, "/api/jobs", new JsonObject { ["kind"] = kind, ["parameters"] = parameters });

    private static Replay Json(string label, HttpMethod method, string route, JsonObject body, bool asAdmin = false)
    {
        string text = body.ToJsonString();
        return new Replay(label, () => new HttpRequestMessage(method, route) { Content = new StringContent(text, Encoding.UTF8, "application/json") },
            AsAdmin: asAdmin);
    }

    /// <summary>
    /// The rows of a case's .npy file (float32, shape (rows, dim) in its header) as JSON arrays, read raw — NaN and
    /// infinities included, as the named literals the server reads — so the server is the one that checks them.
    /// </summary>
    private static JsonArray Rows(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        var shape = System.Text.RegularExpressions.Regex.Match(header, @"'shape': \((\d+), (\d+)\)");
        int count = int.Parse(shape.Groups[1].Value, CultureInfo.InvariantCulture), dim = int.Parse(shape.Groups[2].Value, CultureInfo.InvariantCulture);
        var rows = new JsonArray();
        for (int r = 0; r < count; r++)
        {
            var row = new JsonArray();
            for (int c = 0; c < dim; c++)
            {
                float v = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(10 + headerLength + 4 * (r * dim + c)));
                row.Add(float.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture)));
            }
            rows.Add(row);
        }
        return rows;
    }

    private static ByteArrayContent FileContent(string mediaType, string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}
