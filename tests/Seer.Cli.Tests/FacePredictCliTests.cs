using System.Text.Json;

namespace Seer.Cli.Tests;

/// <summary><c>seer predict BUNDLE.face.json</c> with the real face models (scripts/fetch-data.sh faces).</summary>
public sealed class FacePredictCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-faces-cli-" + Guid.NewGuid().ToString("N"));

    public FacePredictCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Data(params string[] parts) => Path.Combine([CliProcess.RepoRoot, ".data", .. parts]);

    [Fact]
    public async Task Predict_WithAFaceBundle_PrintsFacesWithLandmarksQualityAndEmbeddings()
    {
        string bundle = Path.Combine(_dir, "faces.face.json");
        File.WriteAllText(bundle, $$"""
            { "kind": "face", "detector": "{{Data("faces", "fr_detect.onnx")}}", "landmarks": "{{Data("faces", "fr_landmark.onnx")}}",
              "embedding": "{{Data("faces", "fr_feature.onnx")}}" }
            """);
        var run = await CliProcess.RunAsync(_dir, TimeSpan.FromMinutes(2), "predict", bundle, Data("faces", "sample1.jpg"), Data("faces", "sample4.jpg"),
            "--out", Path.Combine(_dir, "drawn"), "--json");
        Assert.True(run.Code == 0, run.Stderr);
        var faces = JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, faces.Count(f => f.GetProperty("file_name").GetString() == "sample1.jpg"));
        Assert.Equal(4, faces.Count(f => f.GetProperty("file_name").GetString() == "sample4.jpg"));
        foreach (var f in faces)
        {
            Assert.Equal("face", f.GetProperty("category_name").GetString());
            var box = f.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var landmarks = f.GetProperty("landmarks").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            Assert.Equal(5, landmarks.Count);
            Assert.All(landmarks, p => Assert.True(p[0] > box[0] - 20 && p[0] < box[0] + box[2] + 20 && p[1] > box[1] - 20 && p[1] < box[1] + box[3] + 20));
            Assert.InRange(f.GetProperty("quality").GetProperty("score").GetDouble(), 0, 1);
            Assert.Equal(512, f.GetProperty("embedding").GetArrayLength());
        }
        Assert.True(File.Exists(Path.Combine(_dir, "drawn", "sample4.jpg")));

        // A bundle naming a missing model: a clear error naming the file.
        File.WriteAllText(bundle, """{ "kind": "face", "detector": "nowhere.onnx" }""");
        var bad = await CliProcess.RunAsync(_dir, TimeSpan.FromMinutes(1), "predict", bundle, Data("faces", "sample1.jpg"));
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("nowhere.onnx", bad.Stderr);
    }
}
