using System.Diagnostics;
using System.Text.Json;
using Seer.Training.Engine;
using Seer.Training.Models;
using Seer.Training.Options;
using Seer.Training.Registry;

namespace Seer.Cli.Tests;

/// <summary><c>seer model export</c> and <c>seer predict MODEL_ID</c> on registry entries made with random weights.</summary>
public sealed class ModelExportCliTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "seer-export-" + Guid.NewGuid().ToString("N"));

    private string AddModel(string task, string architecture, int imageSize, params string[] classes)
    {
        var registry = new FileModelRegistry(_home);
        string id = registry.Create();
        var options = new TrainingOptions { Task = task, Architecture = architecture, Width = 8, ImageSize = imageSize };
        var record = new ModelRecord
        {
            Id = id, Status = "done", Task = task, Architecture = architecture, Classes = classes, ImageSize = imageSize,
            NormalizationMean = [0.485f, 0.456f, 0.406f], NormalizationStd = [0.229f, 0.224f, 0.225f],
            TrainDataset = "t@1", ValDataset = "v@1", Parameters = options,
        };
        using var network = ArchitectureRegistry.Create(architecture, classes.Length, options);
        Checkpoint.SaveWeights(registry.WeightsPath(record), network);
        registry.Save(record);
        return id;
    }

    private string Image(string name)
    {
        string dir = Path.Combine(_home, "images");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        using var m = new OpenCvSharp.Mat(48, 80, OpenCvSharp.MatType.CV_8UC3, new OpenCvSharp.Scalar(40, 120, 200));
        OpenCvSharp.Cv2.Rectangle(m, new OpenCvSharp.Rect(20, 10, 30, 25), new OpenCvSharp.Scalar(255, 255, 255), -1);
        OpenCvSharp.Cv2.ImWrite(path, m);
        return path;
    }

    [Fact]
    public async Task ExportDetector_WritesOnnxWithMetadata_AndPredictByIdGivesCocoResults()
    {
        string id = AddModel("detect", "fcos-lite", 64, "cat", "dog");
        string file = Path.Combine(_home, "out", "det.onnx");
        var export = await RunAsync("model", "export", id, "--format", "onnx", "--out", file, "--json");
        Assert.True(export.Code == 0, export.Stderr);
        using (var doc = JsonDocument.Parse(export.Stdout))
        {
            Assert.Equal(id, doc.RootElement.GetProperty("model").GetString());
            Assert.Equal("boxes_scores", doc.RootElement.GetProperty("output_layout").GetString());
        }
        Assert.True(new FileInfo(file).Length > 1000);

        string image = Image("a.png");
        var predict = await RunAsync("predict", id, image, "--threshold", "0.01", "--json");
        Assert.True(predict.Code == 0, predict.Stderr);
        Assert.True(File.Exists(Path.Combine(_home, "models", id, "model.onnx")), "predict caches the export in the model folder");
        using var results = JsonDocument.Parse(predict.Stdout);
        var items = results.RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(items);
        foreach (var r in items)
        {
            Assert.EndsWith("a.png", r.GetProperty("file_name").GetString(), StringComparison.Ordinal);
            Assert.Contains(r.GetProperty("category_id").GetInt32(), new[] { 1, 2 });
            var box = r.GetProperty("bbox").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(4, box.Length);
            Assert.True(box[0] >= 0 && box[1] >= 0 && box[2] >= 0 && box[3] >= 0 && box[0] + box[2] <= 80.01 && box[1] + box[3] <= 48.01, string.Join(",", box));
            double score = r.GetProperty("score").GetDouble();
            Assert.True(score >= 0.01 && score <= 1, $"score {score}");
        }

        // Second predict reuses the cached export.
        string cached = Path.Combine(_home, "models", id, "model.onnx");
        var written = File.GetLastWriteTimeUtc(cached);
        var again = await RunAsync("predict", id, image, "--threshold", "0.01", "--json");
        Assert.True(again.Code == 0, again.Stderr);
        Assert.Equal(predict.Stdout, again.Stdout);
        Assert.Equal(written, File.GetLastWriteTimeUtc(cached));

        // An export cached before exports carried the features output (its key renamed here) is written anew.
        byte[] bytes = File.ReadAllBytes(cached);
        byte[] key = System.Text.Encoding.ASCII.GetBytes("seer.features_output");
        int at = bytes.AsSpan().IndexOf(key);
        Assert.True(at > 0, "the export names its features output");
        System.Text.Encoding.ASCII.GetBytes("seer.features_absent").CopyTo(bytes, at);
        File.WriteAllBytes(cached, bytes);
        var third = await RunAsync("predict", id, image, "--threshold", "0.01", "--json");
        Assert.True(third.Code == 0, third.Stderr);
        Assert.Equal(predict.Stdout, third.Stdout);
        Assert.True(File.ReadAllBytes(cached).AsSpan().IndexOf(key) > 0, "the stale cached export was rewritten");
    }

    [Fact]
    public async Task PredictClassifierById_GivesOneScoredClassPerImage_AndUnknownIdFails()
    {
        string id = AddModel("classify", "resnet18", 32, "red", "green", "blue");
        var predict = await RunAsync("predict", id, Image("b.png"), "--json");
        Assert.True(predict.Code == 0, predict.Stderr);
        using var results = JsonDocument.Parse(predict.Stdout);
        var first = results.RootElement.EnumerateArray().First();
        Assert.EndsWith("b.png", first.GetProperty("file_name").GetString(), StringComparison.Ordinal);
        Assert.InRange(first.GetProperty("category_id").GetInt32(), 1, 3);
        Assert.InRange(first.GetProperty("score").GetDouble(), 1.0 / 3 - 1e-6, 1.0);

        var unknown = await RunAsync("predict", "m-nope", Image("c.png"));
        Assert.NotEqual(0, unknown.Code);
        Assert.Contains("m-nope", unknown.Stderr, StringComparison.Ordinal);
        var badFormat = await RunAsync("model", "export", id, "--format", "tflite", "--out", Path.Combine(_home, "x.tflite"));
        Assert.NotEqual(0, badFormat.Code);
        Assert.Contains("--format", badFormat.Stderr, StringComparison.Ordinal);
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        CliProcess.RunAsync(_home, TimeSpan.FromMinutes(2), args);

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}
