using System.CommandLine;
using System.Globalization;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Inference;
using Seer.Inference.Faces;
using Seer.Inference.Models;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

namespace Seer.Cli.Commands;

public sealed partial class VideoCommands
{
    private static Command RunCommand()
    {
        var sources = new Argument<string[]>("SOURCE") { Description = "Video files or rtsp:// URLs", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model") { Description = "Detector: registry model id or path to an .onnx file; or a face bundle (NAME.face.json): faces, face quality, embedding as feature", Required = true };
        var fps = new Option<double?>("--fps") { Description = "Frames analysed per second (default: every frame)" };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated class names to keep (default: all)" };
        var minSize = new Option<double>("--min-size") { Description = "Ignore boxes narrower or lower than this many pixels", DefaultValueFactory = _ => 0 };
        var minQuality = new Option<double>("--min-quality") { Description = "Emit only best shots of at least this quality (0-1)", DefaultValueFactory = _ => 0 };
        var zones = new Option<string[]>("--zone") { Description = "Polygon x,y,x,y,... in source pixels; keep detections centred inside (repeatable)" };
        var sinks = new Option<string[]>("--sink") { Description = "disk:DIR | webhook:URL | mqtt://HOST:PORT/TOPIC | dataset:NAME (repeatable)" };
        var tracks = new Option<string?>("--tracks") { Description = "Write MOTChallenge results (frame,id,x,y,w,h,score,-1,-1,-1); several sources: FILE gets .STREAM before its extension" };
        var maxSeconds = new Option<double?>("--max-seconds") { Description = "Stop after this many seconds (RTSP streams otherwise run until Ctrl+C)" };
        var threshold = new Option<float?>("--threshold") { Description = "Detector score threshold (default 0.1: the tracker's second stage uses weak boxes; a face bundle: its own score_threshold)" };
        var manifest = new Option<string?>("--manifest") { Description = "Manifest of an external model" };
        var allow = new Option<string[]>("--allow-host") { Description = "Allow webhooks to this loopback/private address, network (CIDR) or host name (repeatable)" };
        var attributes = new Option<string?>("--attributes") { Description = "Classifier (registry id or .onnx) run on each snapshot's crop: its classes and probabilities become the event's \"attributes\"" };
        var features = new Option<string?>("--features") { Description = "Embedding model (registry id or .onnx; or any model with a feature output) run on each snapshot's crop: its vector becomes the event's \"feature\"" };
        var interval = new Option<double?>("--interval") { Description = "Also emit a snapshot of each live track every this many seconds of source time (long tracks)" };
        var threads = new Option<int?>("--threads") { Description = "ONNX Runtime intra-op threads of the shared detector session (default: the machine's cores, at most 4)" };
        var command = new Command("run", "Analyse video files and RTSP streams: detect, track, best shot per track, sinks");
        command.Arguments.Add(sources);
        foreach (var o in new Option[] { model, fps, classes, minSize, minQuality, zones, sinks, tracks, maxSeconds, threshold, manifest, allow, attributes, features, interval, threads })
            command.Options.Add(o);
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            string home = GlobalOptions.ResolveHome(parse);
            var srcs = parse.GetValue(sources)!;
            var zoneList = (parse.GetValue(zones) ?? []).Select(Zone.Parse).ToList();
            var classList = parse.GetValue(classes)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string? tracksPath = parse.GetValue(tracks);
            var names = new List<string>();
            foreach (var s in srcs)
            {
                string n = StreamOptions.NameFor(s), unique = n;
                for (int k = 2; names.Contains(unique); k++) unique = $"{n}-{k}";
                names.Add(unique);
            }
            var streams = srcs.Select((s, i) => new StreamOptions
            {
                Name = names[i], Source = s, AnalysisFps = parse.GetValue(fps), Classes = classList,
                MinSize = parse.GetValue(minSize), MinQuality = parse.GetValue(minQuality), Zones = zoneList,
                SnapshotIntervalSeconds = parse.GetValue(interval),
                TracksPath = tracksPath is null ? null : srcs.Length == 1 ? tracksPath
                    : Path.ChangeExtension(tracksPath, null) + "." + DiskSink.Safe(names[i]) + Path.GetExtension(tracksPath),
            }).ToList();
            foreach (var s in streams) s.Validate();

            Func<string, string?>? resolver = PredictCommands.ResolveRegistryId is { } r ? id => r(home, id) : null;
            int intraOp = parse.GetValue(threads) ?? Math.Min(4, Environment.ProcessorCount);
            if (intraOp <= 0) throw new SeerException(ErrorCodes.InvalidOptions, $"--threads must be > 0 (was {intraOp})");
            string modelName = parse.GetValue(model)!;
            float? scoreThreshold = parse.GetValue(threshold);
            if (scoreThreshold is { } st && !(st is >= 0 and <= 1)) throw new SeerException(ErrorCodes.InvalidOptions, $"--threshold must be in [0, 1] (was {st})");
            bool faceBundle = FaceBundle.IsBundlePath(modelName);
            using var faces = faceBundle ? FacePipeline.Open(modelName, intraOp) : null;
            using var onnx = faceBundle ? null : ModelOpener.Open(modelName, parse.GetValue(manifest), resolver, intraOp);
            if (onnx is not null && onnx.Spec.Task != "detect")
                throw new SeerException(ErrorCodes.InvalidOptions, $"--model '{modelName}' is a {onnx.Spec.Task} model; video run needs a detector or a face bundle");
            if (faces is { EmbeddingDimension: not null } && parse.GetValue(features) is not null)
                throw new SeerException(ErrorCodes.InvalidOptions, $"--features cannot be combined with face bundle '{modelName}': its embedding model gives each face snapshot its \"feature\"");
            // One session for every source; frames of different streams share a Run (up to 16 images).
            var detector = faces is not null
                ? new FrameDetector(faces, scoreThreshold, parse.GetValue(minSize))
                : new FrameDetector(new Predictor(onnx!, new PredictorOptions { ScoreThreshold = scoreThreshold ?? 0.1f, BatchSize = Math.Clamp(srcs.Length, 1, 16) }));
            using var attributeModel = parse.GetValue(attributes) is { } am ? ModelOpener.Open(am, null, resolver, 1) : null;
            using var featureModel = parse.GetValue(features) is { } fm ? ModelOpener.Open(fm, null, resolver, 1) : null;
            var models = SnapshotModels.From(attributeModel, featureModel, parse.GetValue(attributes), parse.GetValue(features));
            var context = new SinkContext
            {
                OpenWorkspace = () => Workspace.Open(home),
                UrlPolicy = new Seer.Core.Net.OutboundUrlPolicy(new Seer.Core.Net.OutboundUrlOptions { Allow = parse.GetValue(allow) ?? [] }),
                WebhookSecret = SinkSpec.SecretFrom(Environment.GetEnvironmentVariable("SEER_WEBHOOK_SECRET")),
            };
            var opened = new List<ISnapshotSink>();
            try
            {
                foreach (var spec in parse.GetValue(sinks) ?? []) opened.Add(await SinkSpec.OpenAsync(spec, context, ct).ConfigureAwait(false));
            }
            catch
            {
                foreach (var s in opened) await s.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            var runner = new VideoRunner(streams, detector, opened, models);
            var result = await runner.RunAsync(parse.GetValue(maxSeconds), ct).ConfigureAwait(false);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Output.Json(new Dictionary<string, object>
                {
                    ["streams"] = result.Streams,
                    ["sinks"] = result.Sinks.ToDictionary(k => k.Key, k => (object)new Dictionary<string, long>
                    { ["written"] = k.Value.Written, ["failed"] = k.Value.Failed, ["dropped"] = k.Value.Dropped, ["retries"] = k.Value.Retries }),
                    ["seconds"] = Math.Round(result.Seconds, 2),
                });
            }
            else
            {
                foreach (var h in result.Streams)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{h.Stream}: {h.State}, {h.Frames} frames, {h.Analysed} analysed, {h.Dropped} dropped, {h.Reconnects} reconnects, {h.Snapshots} snapshots"));
                foreach (var (name, s) in result.Sinks)
                    Console.WriteLine($"{name}: {s.Written} written, {s.Failed} failed, {s.Dropped} dropped, {s.Retries} retries");
            }
            return 0;
        });
        return command;
    }
}
