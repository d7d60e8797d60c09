using System.Text.Json;
using Seer.Core.Inference;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Training.Onnx;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

namespace Seer.Video.Tests;

/// <summary>
/// What a snapshot carries beyond the best shot: attributes (a classifier run on the crop), a feature vector (an embed
/// model run on the crop), and interval emission for long tracks. The models are tiny ONNX graphs written with Seer's
/// ONNX writer whose answers are known from the marker's colour: a "magenta vs other" classifier (a 1×1 convolution of
/// R + B − 2G, global average pool, softmax in the predictor) and a mean-colour embedding (global average pool of RGB).
/// </summary>
public sealed class SnapshotExtrasTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly List<MarkerVideo.MarkerPath> OneMarker = [new(1, f => (60 + 12 * f, 150))];

    internal static string WriteColourClassifier(string dir)
    {
        var g = new OnnxGraphBuilder("colour-classifier");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 64, 64]);
        // Channel 0: 10·(R + B − 2G) − 5 (magenta), channel 1: 0 (other); averaged over the image.
        string w = g.AddInitializer("w", [10f, -20f, 10f, 0f, 0f, 0f], 2, 3, 1, 1);
        string b = g.AddInitializer("b", [-5f, 0f], 2);
        string logits = g.Flatten(g.GlobalAveragePool(g.Conv(x, w, b, 1, 1)));
        g.AddOutput(logits, "logits", OnnxElementType.Float, [null, 2]);
        var spec = new InferenceSpec
        {
            Task = "classify", ClassNames = ["magenta", "other"], InputWidth = 64, InputHeight = 64, Resize = ResizeMode.Stretch,
            OutputLayout = OutputLayout.ClassifierLogits, OutputNames = ["logits"],
        };
        string path = Path.Combine(dir, "colour.onnx");
        OnnxModelWriter.Write(g, path, spec.ToProperties());
        return path;
    }

    internal static string WriteMeanColourEmbedding(string dir)
    {
        var g = new OnnxGraphBuilder("mean-colour");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 32, 32]);
        string e = g.Flatten(g.GlobalAveragePool(x));
        g.AddOutput(e, "embedding", OnnxElementType.Float, [null, 3]);
        var spec = new InferenceSpec
        {
            Task = "embed", InputWidth = 32, InputHeight = 32, Resize = ResizeMode.Stretch,
            OutputLayout = OutputLayout.Embedding, OutputNames = ["embedding"],
        };
        string path = Path.Combine(dir, "mean-colour.onnx");
        OnnxModelWriter.Write(g, path, spec.ToProperties());
        return path;
    }

    [Fact]
    public async Task AttributesAndFeature_ComeFromTheCrop_AndAreInTheEventJson()
    {
        string video = Path.Combine(_dir, "one.avi");
        MarkerVideo.WriteVideo(video, null, 20, 10, OneMarker);
        string snaps = Path.Combine(_dir, "snaps");
        using var colour = OnnxModel.Load(WriteColourClassifier(_dir));
        using var mean = OnnxModel.Load(WriteMeanColourEmbedding(_dir));
        var models = new SnapshotModels(new Predictor(colour, new PredictorOptions { TopK = 2 }), new Predictor(mean));
        var runner = new VideoRunner([new StreamOptions { Name = "cam", Source = video }], VideoPipelineTests.MarkerPredictor(_dir),
            [new DiskSink(snaps)], models);
        await runner.RunAsync(60, CancellationToken.None);

        string line = Assert.Single(File.ReadAllLines(Path.Combine(snaps, "snapshots.jsonl")));
        using var doc = JsonDocument.Parse(line);
        Assert.Equal(["stream", "track_id", "label", "score", "quality", "first_frame", "best_frame", "last_frame", "time", "box", "attributes", "feature", "crop", "frame"],
            doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        var e = SnapshotEvent.FromJson(line);
        Assert.Equal(["magenta", "other"], e.Attributes!.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.True(e.Attributes["magenta"] > 0.9, $"magenta {e.Attributes["magenta"]}");
        Assert.Equal(1.0, e.Attributes["magenta"] + e.Attributes["other"], 3);
        // Mean colour of the padded crop, RGB in 0..1: the magenta marker (R = B = 1, G = 0) over a grey background.
        Assert.Equal(3, e.Feature!.Length);
        Assert.True(e.Feature[0] > e.Feature[1] + 0.25 && e.Feature[2] > e.Feature[1] + 0.25, $"feature {string.Join(", ", e.Feature)}");
    }

    [Fact]
    public async Task IntervalEmission_GivesALongTrackOneSnapshotPerWindow_WithTheSameId()
    {
        string video = Path.Combine(_dir, "long.avi");
        MarkerVideo.WriteVideo(video, null, 40, 10, OneMarker); // one marker in view for 4 s
        string snaps = Path.Combine(_dir, "snaps");
        var runner = new VideoRunner([new StreamOptions { Name = "cam", Source = video, SnapshotIntervalSeconds = 1 }],
            VideoPipelineTests.MarkerPredictor(_dir), [new DiskSink(snaps)]);
        var h = Assert.Single((await runner.RunAsync(60, CancellationToken.None)).Streams);

        var events = File.ReadAllLines(Path.Combine(snaps, "snapshots.jsonl")).Select(SnapshotEvent.FromJson).ToList();
        Assert.Equal(h.Snapshots, events.Count);
        // A track born on frame 1 or 2: windows of 10 frames (1 s at 10 fps) end on frames ~11, ~22, ~33, then the stream ends at 40.
        Assert.Equal(4, events.Count);
        Assert.Single(events.Select(e => e.TrackId).Distinct());
        Assert.All(events, e => Assert.Equal(events[0].FirstFrame, e.FirstFrame));
        for (int i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].BestFrame > events[i - 1].LastFrame, "each window's best shot lies after the previous window");
            Assert.InRange(events[i].LastFrame - events[i - 1].LastFrame, 1, 11);
        }
        Assert.Equal(40, events[^1].LastFrame);
        Assert.Equal(4, Directory.GetFiles(snaps, "*-crop.jpg").Length);
    }
}
