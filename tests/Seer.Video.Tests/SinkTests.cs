using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MQTTnet;
using MQTTnet.Server;
using OpenCvSharp;
using Seer.ActiveLearning.PoolModels;
using Seer.Core.Errors;
using Seer.Core.Net;
using Seer.Data;
using Seer.Inference.Models;
using Seer.Mining;
using Seer.Mining.Pool;
using Seer.Video.Pipeline;
using Seer.Video.Sinks;

namespace Seer.Video.Tests;

public sealed class SinkTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>A snapshot whose frame is a distinct textured scene (seeded noise) with a marker at a known place.</summary>
    internal static Snapshot MakeSnapshot(int trackId, int seed)
    {
        var rng = new Random(seed);
        var noise = new byte[240 * 320 * 3];
        rng.NextBytes(noise);
        using var frame = Mat.FromPixelData(240, 320, MatType.CV_8UC3, noise).Clone();
        Cv2.GaussianBlur(frame, frame, new Size(0, 0), 6 + rng.Next(6));
        Cv2.Rectangle(frame, new Rect(40 + rng.Next(150), 40 + rng.Next(100), 40, 40), new Scalar(255, 0, 255), -1);
        using var crop = new Mat(frame, new Rect(0, 0, 60, 60));
        var e = new SnapshotEvent
        {
            Stream = "cam1", TrackId = trackId, Label = "marker", Score = 0.9, Quality = 0.5, FirstFrame = 1, BestFrame = 2,
            LastFrame = 3, Time = DateTimeOffset.UnixEpoch, Box = [1, 2, 3, 4],
        };
        return new Snapshot(e, crop.ImEncode(".jpg"), frame.ImEncode(".jpg"), "marker.onnx");
    }

    [Fact]
    public async Task Webhook_ReceiverFailingItsFirstCalls_GetsEverySnapshotOnceSignedAndInOrder()
    {
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var received = new ConcurrentQueue<(string Body, string? Signature)>();
        int calls = 0;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch (Exception) when (stop.IsCancellationRequested) { break; }
                using var reader = new StreamReader(ctx.Request.InputStream);
                string body = await reader.ReadToEndAsync();
                int n = Interlocked.Increment(ref calls);
                if (n <= 4) ctx.Response.StatusCode = 503;           // down for its first four calls
                else { ctx.Response.StatusCode = 200; received.Enqueue((body, ctx.Request.Headers["X-Seer-Signature"])); }
                ctx.Response.Close();
            }
        });
        var secret = Encoding.UTF8.GetBytes("s3cret");
        var policy = new OutboundUrlPolicy(new OutboundUrlOptions { Allow = ["127.0.0.1"] });
        var sink = await WebhookSink.CreateAsync($"http://127.0.0.1:{port}/hook/", policy,
            new WebhookOptions { Secret = secret, RetryMin = TimeSpan.FromMilliseconds(20), RetryMax = TimeSpan.FromMilliseconds(100), QueueCapacity = 16 });
        var sent = Enumerable.Range(1, 6).Select(i => MakeSnapshot(i, i)).ToList();
        foreach (var s in sent) await sink.WriteAsync(s, CancellationToken.None);
        await sink.DisposeAsync(); // drains the queue
        stop.Cancel();
        listener.Stop();
        await server;

        Assert.Equal(new SinkStats(6, 0, 0, 4), sink.Stats);
        var got = received.ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6], got.Select(g => SnapshotEvent.FromJson(g.Body).TrackId));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(WebhookSink.Signature(secret, Encoding.UTF8.GetBytes(got[i].Body)), got[i].Signature);
            var e = SnapshotEvent.FromJson(got[i].Body);
            Assert.Equal(sent[i].CropJpeg, Convert.FromBase64String(e.Crop));
            Assert.Equal(sent[i].FrameJpeg, Convert.FromBase64String(e.Frame));
        }
    }

    [Fact]
    public async Task Webhook_LoopbackIsRefusedUnlessAllowListed()
    {
        var ex = await Assert.ThrowsAsync<SeerException>(() => WebhookSink.CreateAsync("http://127.0.0.1:9/hook", new OutboundUrlPolicy()));
        Assert.Equal(ErrorCodes.InvalidInput, ex.Code);
        await Assert.ThrowsAsync<SeerException>(() => WebhookSink.CreateAsync("http://169.254.169.254/latest", new OutboundUrlPolicy()));
    }

    [Fact]
    public async Task Webhook_QueueBound_DropsAreCountedAndNothingIsUnaccounted()
    {
        // Nobody listens: every delivery fails and is retried; the queue holds 2, so later snapshots are dropped.
        var policy = new OutboundUrlPolicy(new OutboundUrlOptions { Allow = ["127.0.0.1"], Timeout = TimeSpan.FromSeconds(2) });
        var sink = await WebhookSink.CreateAsync($"http://127.0.0.1:{FreePort()}/x", policy,
            new WebhookOptions { QueueCapacity = 2, RetryMin = TimeSpan.FromMilliseconds(50), DrainTimeout = TimeSpan.FromMilliseconds(300) });
        for (int i = 0; i < 8; i++) await sink.WriteAsync(MakeSnapshot(i, 1), CancellationToken.None);
        await sink.DisposeAsync();
        var s = sink.Stats;
        Assert.Equal(0, s.Written);
        Assert.True(s.Dropped >= 5, $"dropped {s.Dropped}");
        Assert.Equal(8, s.Dropped + s.Failed); // every snapshot is accounted for: dropped at the bound or given up at close
    }

    [Fact]
    public async Task Mqtt_PublishesEverySnapshotToTheBroker()
    {
        int port = FreePort();
        var options = new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(port).Build();
        using var broker = new MqttServerFactory().CreateMqttServer(options);
        var got = new ConcurrentQueue<(string Topic, byte[] Payload)>();
        broker.InterceptingPublishAsync += e =>
        {
            got.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await broker.StartAsync();
        try
        {
            var sink = await MqttSink.ConnectAsync($"mqtt://127.0.0.1:{port}/seer/snapshots", CancellationToken.None);
            for (int i = 1; i <= 3; i++) await sink.WriteAsync(MakeSnapshot(i, i), CancellationToken.None);
            await sink.DisposeAsync();
            Assert.Equal(new SinkStats(3, 0, 0, 0), sink.Stats);
            Assert.Equal(3, got.Count);
            Assert.All(got, g => Assert.Equal("seer/snapshots", g.Topic));
            Assert.Equal([1, 2, 3], got.Select(g => SnapshotEvent.FromJson(Encoding.UTF8.GetString(g.Payload)).TrackId));
        }
        finally
        {
            await broker.StopAsync();
        }
    }

    [Fact]
    public async Task Mqtt_UnreachableBrokerIsAnUnavailableError()
    {
        var ex = await Assert.ThrowsAsync<SeerException>(() => MqttSink.ConnectAsync($"mqtt://127.0.0.1:{FreePort()}/t", CancellationToken.None));
        Assert.Equal(ErrorCodes.Unavailable, ex.Code);
        await Assert.ThrowsAsync<SeerException>(() => MqttSink.ConnectAsync("mqtt://127.0.0.1:1883/a/#", CancellationToken.None));
    }

    [Fact]
    public async Task Dataset_CommitsUnlabelledFramesInBatchesDropsNearDuplicatesAndTheVersionMines()
    {
        string home = Path.Combine(_dir, "home");
        using (var ws = Workspace.Open(home))
        {
            var sink = new DatasetSink(ws, "captures", new DatasetSinkOptions { BatchSize = 2 });
            await sink.WriteAsync(MakeSnapshot(1, 11), CancellationToken.None);
            await sink.WriteAsync(MakeSnapshot(2, 12), CancellationToken.None);   // batch of 2 → version 1
            await sink.WriteAsync(MakeSnapshot(3, 11), CancellationToken.None);   // same scene as track 1 → dropped
            await sink.WriteAsync(MakeSnapshot(4, 13), CancellationToken.None);   // committed at close → version 2
            await sink.DisposeAsync();
            Assert.Equal(2, sink.Versions.Count);
            Assert.Equal(1, sink.Duplicates);
            Assert.Equal(new SinkStats(3, 0, 1, 0), sink.Stats);

            var log = ws.Log(new Core.Datasets.DatasetRef("captures", null));
            Assert.Equal(2, log.Count);
            Assert.Equal("video-capture", log[0].Operation);
            Assert.Equal([log[1].Version], log[0].Parents);
            var snap = ws.OpenSnapshot(new Core.Datasets.DatasetRef("captures", null));
            Assert.Equal(3, snap.Images.Count);
            Assert.All(snap.Images, i =>
            {
                Assert.False(i.IsLabelled);
                Assert.Equal("cam1", i.Attributes["stream"]);
                Assert.Equal("marker.onnx", i.Attributes["model"]);
                Assert.Equal((320, 240), (i.Width, i.Height));
            });

            // The capture version is a mining pool: the same mining path as `seer mine` ranks it.
            using var model = OnnxModel.Load(MarkerVideo.WriteDetector(_dir));
            var result = await PoolMiner.MineAsync(snap, OnnxPoolModel.ForMining(model, 0.1f, 4),
                new MiningOptions { Strategy = MiningStrategy.Entropy, TopK = 2 }, null, CancellationToken.None);
            Assert.Equal(2, result.Items.Count);
            Assert.Equal(3, result.Considered);
            Assert.All(result.Items, item => Assert.Contains(snap.Images, i => i.ContentHash == item.ContentHash));
        }
    }
}
