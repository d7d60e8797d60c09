using System.Diagnostics;
using System.Text.Json;

namespace Seer.Cli.Tests;

/// <summary>`seer video` end to end: the real CLI on real files (a face detector on videos made from real photos).</summary>
public sealed class VideoCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "seer-video-cli", Guid.NewGuid().ToString("N"));

    public VideoCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Seer(params string[] args) => CliProcess.Run(Path.Combine(_dir, "home"), args);

    private static string Data(params string[] parts) => Path.Combine([CliProcess.RepoRoot, ".data", .. parts]);

    private string FaceVideo(string photo)
    {
        string path = Path.Combine(_dir, Path.GetFileNameWithoutExtension(photo) + ".avi");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i", Data("faces", photo),
                     "-t", "2", "-r", "5", "-vf", "scale=640:-2", "-c:v", "mjpeg", "-q:v", "4", path })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        return path;
    }

    private string FaceManifest()
    {
        string path = Path.Combine(_dir, "fr_detect.seer.json");
        File.WriteAllText(path, """
            {"task": "detect", "class_names": ["face"], "input_width": 320, "input_height": 240, "input_layout": "nchw",
             "channel_order": "rgb", "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch",
             "output_layout": "boxes_scores", "output_names": ["boxes", "scores"], "box_format": "xyxy",
             "boxes_normalized": true, "background_column": 0}
            """);
        return path;
    }

    [Fact]
    public void Track_WritesMotResultsAndNamesBadInput()
    {
        string det = Path.Combine(_dir, "det.txt"), outPath = Path.Combine(_dir, "tracks.txt");
        // One object moving right 5 px/frame for 20 frames, missing in frames 8-10 (filled by interpolation).
        File.WriteAllLines(det, Enumerable.Range(1, 20).Where(f => f is < 8 or > 10)
            .Select(f => FormattableString.Invariant($"{f},-1,{100 + 5 * f},50,40,80,0.9,-1,-1,-1")));
        var r = Seer("video", "track", "--detections", det, "--out", outPath, "--fps", "10", "--json");
        Assert.True(r.Exit == 0, r.Err);
        var json = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal((20, 17, 1, 20), (json.GetProperty("frames").GetInt32(), json.GetProperty("detections").GetInt32(),
            json.GetProperty("tracks").GetInt32(), json.GetProperty("boxes").GetInt32()));
        var lines = File.ReadAllLines(outPath);
        Assert.Equal(20, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d+,1,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,-1,-1,-1$", l));

        File.WriteAllText(det, "1,-1,10,10,5,5,0.9\nx,-1,1,1,1,1,1\n");
        var bad = Seer("video", "track", "--detections", det, "--out", outPath);
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("det.txt:2", bad.Err);
    }

    [Fact]
    public void Run_DatasetSinkCommitsUnlabelledFrames_ThatSeerMineRanks()
    {
        string manifest = FaceManifest(), model = Data("faces", "fr_detect.onnx");
        string a = FaceVideo("sample5.jpg"), b = FaceVideo("sample4.jpg");
        var run = Seer("video", "run", a, b, "--model", model, "--manifest", manifest, "--threshold", "0.7",
            "--sink", "dataset:captures", "--sink", "disk:" + Path.Combine(_dir, "snaps"), "--tracks", Path.Combine(_dir, "t.txt"), "--json");
        Assert.True(run.Exit == 0, run.Err);
        var result = JsonDocument.Parse(run.Out).RootElement;
        var streams = result.GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal(["sample5", "sample4"], streams.Select(s => s.GetProperty("stream").GetString()));
        Assert.Equal([5L, 4L], streams.Select(s => s.GetProperty("snapshots").GetInt64())); // one per face
        var dataset = result.GetProperty("sinks").GetProperty("dataset:captures");
        Assert.Equal(2, dataset.GetProperty("written").GetInt64());   // one frame per video: the other snapshots are near-duplicates
        Assert.Equal(7, dataset.GetProperty("dropped").GetInt64());
        Assert.Equal(9, File.ReadAllLines(Path.Combine(_dir, "snaps", "snapshots.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(_dir, "t.sample5.txt")) && File.Exists(Path.Combine(_dir, "t.sample4.txt")));

        var mine = Seer("mine", model, "captures", "--manifest", manifest, "--topk", "2", "--json");
        Assert.True(mine.Exit == 0, mine.Err);
        var mined = JsonDocument.Parse(mine.Out).RootElement;
        Assert.Equal(2, mined.GetProperty("considered").GetInt32());
        Assert.Equal(2, mined.GetProperty("items").GetArrayLength());
        Assert.All(mined.GetProperty("items").EnumerateArray(), i => Assert.StartsWith("sample", i.GetProperty("file_name").GetString()));
    }

    [Fact]
    public void Run_WithAFaceBundle_SnapshotsFaces_WithTheAlignedFacesEmbeddingAsFeature()
    {
        string bundle = Path.Combine(_dir, "faces.face.json");
        File.WriteAllText(bundle, $$"""
            { "kind": "face", "detector": "{{Data("faces", "fr_detect.onnx")}}", "detector_format": "ultraface",
              "landmarks": "{{Data("faces", "fr_landmark.onnx")}}", "embedding": "{{Data("faces", "fr_feature.onnx")}}" }
            """);
        string video = FaceVideo("sample5.jpg"), snaps = Path.Combine(_dir, "face-snaps");
        var run = Seer("video", "run", video, "--model", bundle, "--sink", "disk:" + snaps, "--json");
        Assert.True(run.Exit == 0, run.Err);
        var stream = JsonDocument.Parse(run.Out).RootElement.GetProperty("streams")[0];
        Assert.Equal(5, stream.GetProperty("snapshots").GetInt64()); // one per face, at the bundle's own threshold
        var events = File.ReadAllLines(Path.Combine(snaps, "snapshots.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal("face", e.GetProperty("label").GetString());
            Assert.Equal(512, e.GetProperty("feature").GetArrayLength());
        });

        // The bundle's embedding is the feature: a --features model beside it is refused before anything runs.
        var both = Seer("video", "run", video, "--model", bundle, "--features", Data("faces", "fr_feature.onnx"), "--json");
        Assert.Equal(2, both.Exit);
        Assert.Contains("--features", both.Out + both.Err);
    }
}
