using System.Diagnostics;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

namespace Seer.Video.Tests;

/// <summary>
/// A real RTSP stream: gst-rtsp-server (Debian, run with /usr/bin/python3) serves a marker video on loopback; the test
/// kills the server mid-stream and starts it again; Seer's ffmpeg source reconnects and analysis goes on.
/// </summary>
public sealed class RtspTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Process StartServer(int port, string video)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "rtsp_server.py"), port.ToString(), "/cam", video }) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        string? line = p.StandardOutput.ReadLine();
        if (line != "ready")
            throw new InvalidOperationException($"RTSP server did not start: {line} {p.StandardError.ReadToEnd()}");
        return p;
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit) throw new TimeoutException("waited too long for " + what);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task ServerKilledAndRestarted_SeerReconnectsAndGoesOn()
    {
        string video = Path.Combine(_dir, "markers.avi");
        // 300 frames at 10 fps: 30 s of stream, longer than the test needs (no end of stream while it runs).
        MarkerVideo.WriteVideo(video, null, 300, 10, [new MarkerVideo.MarkerPath(1, f => (100 + (f % 100) * 5, 200))], 640, 480);
        int port = SinkTests.FreePort();
        var server = StartServer(port, video);
        try
        {
            var runner = new VideoRunner([new StreamOptions
            {
                Name = "cam", Source = $"rtsp://127.0.0.1:{port}/cam",
                Decoder = new FrameSourceOptions { ReconnectMin = TimeSpan.FromMilliseconds(200), ReconnectMax = TimeSpan.FromSeconds(1) },
            }], VideoPipelineTests.MarkerPredictor(_dir), [new DiskSink(Path.Combine(_dir, "snaps"))]);
            var stream = runner.Streams[0];
            using var cts = new CancellationTokenSource();
            var run = runner.RunAsync(maxSeconds: 90, cts.Token);

            await WaitUntil(() => stream.Health.Analysed >= 10, TimeSpan.FromSeconds(40), "frames before the kill");
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            server.Dispose();
            await WaitUntil(() => stream.Health.State == "reconnecting", TimeSpan.FromSeconds(30), "the stream to notice the kill");
            long before = stream.Health.Analysed;

            server = StartServer(port, video);
            await WaitUntil(() => stream.Health.Reconnects >= 1 && stream.Health.Analysed >= before + 10, TimeSpan.FromSeconds(40), "frames after the restart");
            Assert.Equal("running", stream.Health.State);
            cts.Cancel();
            var result = await run;
            var h = Assert.Single(result.Streams);
            Assert.True(h.Reconnects >= 1);
            Assert.True(h.Analysed >= before + 10);
            Assert.Equal("stopped", h.State);
            Assert.True(h.Snapshots >= 1); // tracks alive at the stop are emitted
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.Dispose();
        }
    }
}
