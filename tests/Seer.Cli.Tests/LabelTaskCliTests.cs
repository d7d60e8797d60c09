using System.Text.Json;
using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Data;
using Seer.Labeling;

namespace Seer.Cli.Tests;

/// <summary>
/// <c>seer label task create|list|show|commit --json</c>, the real CLI on a real workspace: a task over two real group
/// photos pre-annotated by a real ONNX face detector (scripts/fetch-data.sh faces) with a reviewer; the commit is
/// refused while images are to do (naming how many); once the reviewer accepts the images (through Seer.Labeling, as
/// the web UI does) the commit writes one 'label' version holding exactly the accepted boxes, whose parameters name the task.
/// </summary>
public sealed class LabelTaskCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-label-cli", Guid.NewGuid().ToString("N"));

    public LabelTaskCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static string Data(params string[] parts) => Path.Combine([CliProcess.RepoRoot, ".data", .. parts]);

    private (int Exit, string Out, string Err) Seer(params string[] args) => CliProcess.Run(Path.Combine(_dir, "home"), args);

    [Fact]
    public async Task CreateListShowCommit_WithModelPreAnnotationsAndAReviewer()
    {
        string home = Path.Combine(_dir, "home");
        using (var ws = Workspace.Open(home))
        {
            var images = new List<ImageRecord>();
            foreach (string name in new[] { "sample5.jpg", "sample1.jpg" })
            {
                string file = Data("faces", name);
                using var mat = Cv2.ImRead(file);
                await using var stream = File.OpenRead(file);
                var put = await ws.Blobs.PutAsync(stream, CancellationToken.None);
                images.Add(new ImageRecord(put.Sha256, name, mat.Width, mat.Height));
            }
            ws.CommitVersion("group", images, [], "test-images", null, ["face"]);
        }
        // the face detector with its manifest beside it (model.onnx → model.seer.json)
        string onnx = Path.Combine(_dir, "fr_detect.onnx");
        File.Copy(Data("faces", "fr_detect.onnx"), onnx);
        await File.WriteAllTextAsync(Path.Combine(_dir, "fr_detect.seer.json"), """
            {
              "task": "detect", "class_names": ["face"],
              "input_width": 320, "input_height": 240, "input_layout": "nchw", "channel_order": "rgb",
              "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
              "output_layout": "boxes_scores", "output_names": ["boxes", "scores"],
              "box_format": "xyxy", "boxes_normalized": true, "background_column": 0
            }
            """);

        var created = Seer("label", "task", "create", "group", "--model", onnx, "--threshold", "0.7", "--reviewer", "rita", "--json");
        Assert.True(created.Exit == 0, created.Err);
        var task = JsonDocument.Parse(created.Out).RootElement;
        long id = task.GetProperty("id").GetInt64();
        Assert.Equal("group", task.GetProperty("dataset").GetString());
        Assert.Equal("group-labels", task.GetProperty("into").GetString());
        Assert.Equal("detect", task.GetProperty("kind").GetString());
        Assert.Equal(["face"], task.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.Equal("rita", task.GetProperty("reviewer").GetString());
        Assert.Equal(onnx, task.GetProperty("model").GetString());
        Assert.Equal(2, task.GetProperty("images").GetInt32());
        Assert.Equal(2, task.GetProperty("counts").GetProperty("todo").GetInt32());

        var list = Seer("label", "task", "list", "--json");
        Assert.True(list.Exit == 0, list.Err);
        var listed = Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetInt64());
        Assert.Equal(0, listed.GetProperty("accepted").GetInt32());
        Assert.Equal("open", listed.GetProperty("state").GetString());

        var show = Seer("label", "task", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(show.Exit == 0, show.Err);
        var items = JsonDocument.Parse(show.Out).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["sample5.jpg", "sample1.jpg"], items.Select(i => i.GetProperty("file_name").GetString()!).ToArray());
        Assert.All(items, i => Assert.Equal("todo", i.GetProperty("state").GetString()));
        Assert.All(items, i => Assert.Equal(0, i.GetProperty("objects").GetInt32()));

        // the detector's faces are offered apart, with their scores, not drafted as labels
        List<LabelBox> accepted = [];
        using (var ws = Workspace.Open(home))
        {
            var store = new LabelingStore(ws);
            var offered = store.Items(id).Select(i => store.Item(id, i.Image).Predictions).ToList();
            Assert.Equal([5, 3], offered.Select(p => p.Count).ToArray());
            Assert.All(offered.SelectMany(p => p), p =>
            {
                Assert.Equal("face", p.Label);
                Assert.InRange(p.Score, 0.7, 1.0);
            });
        }

        var refused = Seer("label", "task", "commit", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains($"task {id} cannot be committed: 2 of 2 images are not accepted yet (2 to do)", refused.Out + refused.Err, StringComparison.Ordinal);

        // the labeller accepts every offer (whole pixels) and submits; the reviewer accepts both images
        using (var ws = Workspace.Open(home))
        {
            var store = new LabelingStore(ws);
            foreach (var item in store.Items(id))
            {
                var full = store.Item(id, item.Image);
                double X(double v) => Math.Clamp(Math.Round(v), 0, full.Width);
                double Y(double v) => Math.Clamp(Math.Round(v), 0, full.Height);
                var boxes = full.Predictions.Select(p => new LabelBox(p.Label, new BoxXyxy(X(p.Box.X1), Y(p.Box.Y1), X(p.Box.X2), Y(p.Box.Y2)))).ToList();
                accepted.AddRange(boxes);
                store.Save(id, item.Image, new ItemEdit(boxes, [], full.Revision, []), full.Assignee, isAdmin: false);
                store.Submit(id, item.Image, full.Assignee, isAdmin: false);
                store.Review(id, item.Image, accept: true, comment: null, "rita", isAdmin: false);
            }
        }

        var commit = Seer("label", "task", "commit", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(commit.Exit == 0, commit.Err);
        var version = JsonDocument.Parse(commit.Out).RootElement;
        Assert.Equal("group-labels", version.GetProperty("dataset").GetString());
        Assert.Equal("label", version.GetProperty("operation").GetString());
        Assert.Equal(id, version.GetProperty("parameters").GetProperty("task").GetInt64());
        Assert.Equal(2, version.GetProperty("images").GetInt32());
        Assert.Equal(2, version.GetProperty("labelled").GetInt32());

        using (var ws = Workspace.Open(home))
        {
            var labels = ws.OpenSnapshot(DatasetRef.Parse("group-labels"));
            static string Text(string label, BoxXyxy b) => $"{label} {b.X1},{b.Y1},{b.X2},{b.Y2}";
            Assert.Equal(accepted.Select(b => Text(b.Label, b.Box)), labels.Images.SelectMany(i => i.Objects).Select(o => Text(o.Label, o.Box)));
        }
        var after = Seer("label", "task", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(after.Exit == 0, after.Err);
        var shown = JsonDocument.Parse(after.Out).RootElement;
        Assert.Equal("committed", shown.GetProperty("state").GetString());
        Assert.Equal(version.GetProperty("version").GetString(), shown.GetProperty("committed_version").GetString());
    }
}
