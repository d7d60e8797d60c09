using System.Text.Json;
using OpenCvSharp;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Video.Mot;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

namespace Seer.Video.Tests;

/// <summary>
/// The whole pipeline on real video: vtest.avi's frames (decoded by ffmpeg) with two markers on known paths, the marker
/// detector through Seer's Predictor, the tracker, best shots and the disk sink.
/// </summary>
public sealed class VideoPipelineTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static List<MarkerVideo.MarkerPath> TwoMarkers() =>
    [
        // Left to right across the top; hidden for frames 20-26 (0.7 s at 10 fps) behind nothing — the tracker must carry it.
        new(1, f => f is >= 20 and <= 26 ? null : (60 + 12 * f, 150)),
        // Right to left along the bottom, appearing at frame 5.
        new(2, f => f < 5 ? null : (700 - 10 * f, 420)),
    ];

    internal static Predictor MarkerPredictor(string dir) =>
        new(OnnxModel.Load(MarkerVideo.WriteDetector(dir)), new PredictorOptions { ScoreThreshold = 0.5f });

    [Fact]
    public async Task VtestWithMarkers_TracksThroughTheGapAndWritesOneCleanSnapshotPerTrack()
    {
        string vtest = TestPaths.Data("video", "vtest.avi");
        Assert.True(File.Exists(vtest), "run scripts/fetch-data.sh (vtest.avi from Debian's opencv-doc)");
        string video = Path.Combine(_dir, "markers.avi");
        var gt = MarkerVideo.WriteVideo(video, vtest, 50, 10, TwoMarkers());
        string tracks = Path.Combine(_dir, "tracks.txt"), snaps = Path.Combine(_dir, "snaps");
        var predictor = MarkerPredictor(_dir);
        var runner = new VideoRunner([new StreamOptions { Name = "cam1", Source = video, TracksPath = tracks }], predictor, [new DiskSink(snaps)]);
        var result = await runner.RunAsync(maxSeconds: 120, CancellationToken.None);

        var health = Assert.Single(result.Streams);
        Assert.Equal(("ended", 50L, 50L, 0L), (health.State, health.Frames, health.Analysed, health.Dropped));
        Assert.Equal(2, health.Snapshots);

        var m = MotMetrics.Evaluate(gt, MotFile.Read(tracks));
        Assert.Equal(0, m.IdSwitches);
        Assert.True(m.Idf1 >= 0.9, $"IDF1 {m.Idf1}");
        Assert.True(m.Mota >= 0.8, $"MOTA {m.Mota}");
        Assert.Equal(2, m.HypothesisTracks);

        var lines = File.ReadAllLines(Path.Combine(snaps, "snapshots.jsonl"));
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(["stream", "track_id", "label", "score", "quality", "first_frame", "best_frame", "last_frame", "time", "box", "crop", "frame"],
                doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
            var e = SnapshotEvent.FromJson(line);
            Assert.Equal(("cam1", "marker"), (e.Stream, e.Label));
            Assert.InRange(e.BestFrame, e.FirstFrame, e.LastFrame);
            Assert.InRange(e.Box[2] - e.Box[0], MarkerVideo.Side - 12, MarkerVideo.Side + 12);
            Assert.InRange(e.Quality, 0.01, 1);
            // The box is where the marker was in that source frame (frames from 1).
            var truth = gt.Where(r => r.Frame == e.BestFrame).MinBy(r => Math.Abs(r.Box.CenterX - (e.Box[0] + e.Box[2]) / 2))!;
            Assert.True(Seer.Core.Geometry.BoxXyxy.IoU(truth.Box, new(e.Box[0], e.Box[1], e.Box[2], e.Box[3])) > 0.7);
            using var crop = Cv2.ImRead(Path.Combine(snaps, e.Crop));
            using var frame = Cv2.ImRead(Path.Combine(snaps, e.Frame));
            Assert.Equal((768, 576), (frame.Width, frame.Height));
            Assert.InRange(crop.Width, (int)(MarkerVideo.Side * 1.2), (int)(MarkerVideo.Side * 1.5));
            // Clean crop: the padding ring just outside the box is the scene, not a drawn box colour, and the centre is the marker.
            var centre = crop.At<Vec3b>(crop.Height / 2 - 30, crop.Width / 2);
            Assert.True(centre.Item0 > 200 && centre.Item1 < 60 && centre.Item2 > 200, $"crop centre {centre.Item0},{centre.Item1},{centre.Item2}");
        }
    }

    [Fact]
    public async Task AnalysisRateCap_AnalysesEveryOtherFrameAndNumbersTracksInSourceFrames()
    {
        string video = Path.Combine(_dir, "markers.avi");
        MarkerVideo.WriteVideo(video, null, 40, 10, TwoMarkers());
        string tracks = Path.Combine(_dir, "tracks.txt");
        var runner = new VideoRunner([new StreamOptions { Name = "cam", Source = video, AnalysisFps = 5, TracksPath = tracks }],
            MarkerPredictor(_dir), []);
        var h = Assert.Single((await runner.RunAsync(60, CancellationToken.None)).Streams);
        Assert.Equal((40L, 20L, 0L), (h.Frames, h.Analysed, h.Dropped));
        var rows = MotFile.Read(tracks);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(1, r.Frame % 2)); // frames 1, 3, 5, ... of the source
    }

    [Fact]
    public async Task NonIntegerRateCap_FfmpegKeepsExactlyTheFramesSeerNumbers()
    {
        // 10 fps source, 3 fps analysis: source frame n (from 0) is analysed when floor(n·3/10) passes an integer —
        // n = 0, 4, 7, 10, 14, ... (12 of 40). ffmpeg's select filter drops the rest before the pipe; the numbers Seer
        // gives the frames that come out must be those frames: the boxes match the markers of that very frame best.
        string video = Path.Combine(_dir, "markers.avi");
        var gt = MarkerVideo.WriteVideo(video, null, 40, 10, TwoMarkers());
        string tracks = Path.Combine(_dir, "tracks.txt");
        var runner = new VideoRunner([new StreamOptions { Name = "cam", Source = video, AnalysisFps = 3, TracksPath = tracks }],
            MarkerPredictor(_dir), []);
        var h = Assert.Single((await runner.RunAsync(60, CancellationToken.None)).Streams);
        var expected = Enumerable.Range(0, 40).Where(n => n == 0 || Math.Floor(n * 3 / 10.0) > Math.Floor((n - 1) * 3 / 10.0)).Select(n => (long)n + 1).ToList();
        Assert.Equal([1L, 5, 8, 11, 15, 18, 21, 25, 28, 31, 35, 38], expected);
        Assert.Equal((40L, 12L, 0L), (h.Frames, h.Analysed, h.Dropped));
        var rows = MotFile.Read(tracks);
        Assert.True(rows.Count >= 16, $"{rows.Count} rows");
        Assert.All(rows, r => Assert.Contains((long)r.Frame, expected));
        double MeanIoU(int shift) => rows.Average(r => gt.Where(g => g.Frame == r.Frame + shift)
            .Select(g => Seer.Core.Geometry.BoxXyxy.IoU(g.Box, r.Box)).DefaultIfEmpty(0).Max());
        double at = MeanIoU(0), before = MeanIoU(-1), after = MeanIoU(1);
        // Track boxes are the Kalman state (lagging a little behind motion of 40 px per analysed frame), so the margin is
        // small, but a numbering one frame off would make a neighbour the best match.
        Assert.True(at > before && at > after, $"mean IoU at the numbered frame {at:0.000}, one before {before:0.000}, one after {after:0.000}");
    }

    [Fact]
    public async Task MissingFile_IsASeerErrorNamingIt()
    {
        var runner = new VideoRunner([new StreamOptions { Name = "x", Source = Path.Combine(_dir, "nope.mp4") }], MarkerPredictor(_dir), []);
        var ex = await Assert.ThrowsAsync<Seer.Core.Errors.SeerException>(() => runner.RunAsync(30, CancellationToken.None));
        Assert.Contains("nope.mp4", ex.Message);
    }
}
