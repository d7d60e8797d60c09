using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.Core.Inference;
using Seer.Training.Onnx;

namespace Seer.Server.Tests;

/// <summary>
/// /api/streams with the real face detector and face bundle (scripts/fetch-data.sh faces) on a short video made (by
/// Debian's ffmpeg) from a real group photo; snapshot models (attributes, features) written with Seer's ONNX writer.
/// </summary>
public sealed class StreamApiTests
{
    private static string MakeVideo(string dir)
    {
        string path = Path.Combine(dir, "faces.avi");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i", TestPaths.Data("faces", "sample5.jpg"),
                     "-t", "2", "-r", "5", "-vf", "scale=640:-2", "-c:v", "mjpeg", "-q:v", "4", path })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        return path;
    }

    private static async Task<JsonElement> WaitHealth(HttpClient client, string id, Func<JsonElement, bool> until)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var h = await client.GetFromJsonAsync<JsonElement>($"/api/streams/{id}/health");
            if (until(h)) return h;
            if (sw.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("stream health: " + h);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Streams_CreateStartSnapshotsStopDelete_AndRunningStreamsRestartWithTheServer()
    {
        string home = TestPaths.TempDir();
        // Server-side paths must be under HOME/imports (reading) and HOME/exports (writing).
        Directory.CreateDirectory(Path.Combine(home, "imports"));
        Directory.CreateDirectory(Path.Combine(home, "exports"));
        string video = MakeVideo(Path.Combine(home, "imports"));
        string snaps = Path.Combine(home, "exports", "snaps");
        string id;
        await using (var host = await ServerHost.StartAsync(home))
        {
            var admin = host.Admin();
            await ImageApiTests.RegisterFacesAsync(admin, home);
            var config = new { source = video, model = "faces", fps = 5.0, threshold = 0.7, sinks = new[] { "disk:" + snaps } };
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Member().PostAsJsonAsync("/api/streams", config)).StatusCode);
            var bad = await admin.PostAsJsonAsync("/api/streams", new { source = video, model = "faces", sinks = new[] { "ftp:x" } });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var outside = await admin.PostAsJsonAsync("/api/streams", new { source = "/etc/passwd", model = "faces" });
            Assert.NotEqual(HttpStatusCode.Created, outside.StatusCode);

            var created = await admin.PostAsJsonAsync("/api/streams", config);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("config").GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/streams/{id}/start", null)).StatusCode);
            // A stream is private to its creator until shared: a member neither lists nor reads it (404, as for no stream).
            Assert.Equal(0, (await host.Member().GetFromJsonAsync<JsonElement>("/api/streams")).GetArrayLength());
            foreach (var route in new[] { $"/api/streams/{id}", $"/api/streams/{id}/health", $"/api/streams/{id}/snapshots" })
                Assert.True((await host.Member().GetAsync(route)).StatusCode == HttpStatusCode.NotFound, route);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Member().PostAsync($"/api/streams/{id}/share", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/streams/nope/share", null)).StatusCode);
            var shared = await admin.PostAsync($"/api/streams/{id}/share", null);
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
            Assert.True((await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shared").GetBoolean());
            var health = await WaitHealth(host.Member(), id, h => h.GetProperty("state").GetString() == "ended");
            Assert.Equal(10, health.GetProperty("frames").GetInt64());
            Assert.Equal(5, health.GetProperty("snapshots").GetInt64()); // five faces in sample5.jpg, one track each

            var list = await host.Member().GetFromJsonAsync<JsonElement>("/api/streams");
            Assert.Equal(id, list[0].GetProperty("config").GetProperty("id").GetString());
            Assert.True(list[0].GetProperty("config").GetProperty("running").GetBoolean());
            var latest = await host.Member().GetFromJsonAsync<JsonElement>($"/api/streams/{id}/snapshots");
            Assert.Equal(5, latest.GetArrayLength());
            var first = latest[0];
            Assert.Equal("face", first.GetProperty("event").GetProperty("label").GetString());
            var crop = await host.Member().GetAsync($"/api/streams/{id}/snapshots/{first.GetProperty("seq").GetInt64()}/crop.jpg");
            Assert.Equal("image/jpeg", crop.Content.Headers.ContentType?.MediaType);
            Assert.Equal(5, File.ReadAllLines(Path.Combine(snaps, "snapshots.jsonl")).Length);
        }

        // A new server on the same home starts the stream again (it was left running).
        await using (var host = await ServerHost.StartAsync(home))
        {
            var admin = host.Admin();
            var health = await WaitHealth(admin, id, h => h.GetProperty("state").GetString() == "ended");
            Assert.Equal(10, health.GetProperty("frames").GetInt64());
            var stopped = await admin.PostAsync($"/api/streams/{id}/stop", null);
            Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
            Assert.False((await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("config").GetProperty("running").GetBoolean());
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/streams/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/streams/{id}")).StatusCode);
        }
        Directory.Delete(home, recursive: true);
    }

    /// <summary>A served classifier whose answer is known: magenta-ness of the image (10·(R + B − 2G) − 5 against 0), 64×64 input.</summary>
    private static string WriteColourClassifier(string dir)
    {
        var g = new OnnxGraphBuilder("colour-classifier");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 64, 64]);
        string w = g.AddInitializer("w", [10f, -20f, 10f, 0f, 0f, 0f], 2, 3, 1, 1);
        string b = g.AddInitializer("b", [-5f, 0f], 2);
        g.AddOutput(g.Flatten(g.GlobalAveragePool(g.Conv(x, w, b, 1, 1))), "logits", OnnxElementType.Float, [null, 2]);
        string path = Path.Combine(dir, "colour.onnx");
        OnnxModelWriter.Write(g, path, new InferenceSpec
        {
            Task = "classify", ClassNames = ["magenta", "other"], InputWidth = 64, InputHeight = 64, Resize = ResizeMode.Stretch,
            OutputLayout = OutputLayout.ClassifierLogits, OutputNames = ["logits"],
        }.ToProperties());
        return path;
    }

    /// <summary>A served embed model: the mean of each colour channel (3 values).</summary>
    private static string WriteMeanColour(string dir)
    {
        var g = new OnnxGraphBuilder("mean-colour");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, 32, 32]);
        g.AddOutput(g.Flatten(g.GlobalAveragePool(x)), "embedding", OnnxElementType.Float, [null, 3]);
        string path = Path.Combine(dir, "mean-colour.onnx");
        OnnxModelWriter.Write(g, path, new InferenceSpec
        {
            Task = "embed", InputWidth = 32, InputHeight = 32, Resize = ResizeMode.Stretch, OutputLayout = OutputLayout.Embedding,
            OutputNames = ["embedding"],
        }.ToProperties());
        return path;
    }

    private static async Task<JsonElement> CreatedStream(HttpClient admin, object config)
    {
        var response = await admin.PostAsJsonAsync("/api/streams", config);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("config");
    }

    [Fact]
    public async Task Streams_TakeAttributesFeaturesAndInterval_CheckedAtSubmission_AndFaceBundlesGiveFaceFeatures()
    {
        string home = TestPaths.TempDir();
        Directory.CreateDirectory(Path.Combine(home, "imports"));
        string video = MakeVideo(Path.Combine(home, "imports"));
        await using (var host = await ServerHost.StartAsync(home))
        {
            var admin = host.Admin();
            await ImageApiTests.RegisterFacesAsync(admin, home);
            foreach (var (name, path) in new[] { ("colour", WriteColourClassifier(home)), ("meancolour", WriteMeanColour(home)) })
                Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/models", new { name, onnx_path = path })).StatusCode);
            string bundle = Path.Combine(home, "faces.face.json");
            await File.WriteAllTextAsync(bundle, $$"""
                { "kind": "face", "detector": "{{TestPaths.Data("faces", "fr_detect.onnx")}}", "detector_format": "ultraface",
                  "landmarks": "{{TestPaths.Data("faces", "fr_landmark.onnx")}}", "embedding": "{{TestPaths.Data("faces", "fr_feature.onnx")}}" }
                """);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/models", new { name = "facebundle", onnx_path = bundle })).StatusCode);

            // Checked when submitted: models that are not served, or do not fit their field, are a 400 naming the field.
            var refused = new (object Body, string Says)[]
            {
                (new { source = video, model = "faces", attributes = "nope" }, "attributes"),
                (new { source = video, model = "faces", features = "nope" }, "features"),
                (new { source = video, model = "nope" }, "model"),
                (new { source = video, model = "faces", attributes = "meancolour" }, "classifier"),  // an embed model
                (new { source = video, model = "faces", features = "faces" }, "embed model"),         // a detector
                (new { source = video, model = "colour" }, "detector"),                               // a classifier
                (new { source = video, model = "faces", attributes = "facebundle" }, "face bundle"),
                (new { source = video, model = "facebundle", features = "meancolour" }, "embedding"), // the bundle gives the feature
                (new { source = video, model = "faces", interval = 0.0 }, "interval"),
            };
            foreach (var (body, says) in refused)
            {
                var response = await admin.PostAsJsonAsync("/api/streams", body);
                string text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {response.StatusCode} {text}");
                Assert.Contains(says, text, StringComparison.Ordinal);
            }
            Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/streams")).GetArrayLength()); // nothing stored

            // Attributes, features and interval as the CLI's --attributes, --features, --interval.
            var config = await CreatedStream(admin, new { source = video, model = "faces", threshold = 0.7, attributes = "colour", features = "meancolour", interval = 0.6 });
            Assert.Equal("colour", config.GetProperty("attributes").GetString());
            Assert.Equal("meancolour", config.GetProperty("features").GetString());
            Assert.Equal(0.6, config.GetProperty("interval").GetDouble());
            string id = config.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/streams/{id}/start", null)).StatusCode);
            var health = await WaitHealth(admin, id, h => h.GetProperty("state").GetString() == "ended");
            // Five faces over 2 s: windows of 0.6 s give each track more than its one final snapshot.
            Assert.True(health.GetProperty("snapshots").GetInt64() > 5, health.ToString());
            var events = (await admin.GetFromJsonAsync<JsonElement>($"/api/streams/{id}/snapshots")).EnumerateArray().Select(s => s.GetProperty("event")).ToList();
            Assert.NotEmpty(events);
            Assert.All(events, e =>
            {
                Assert.Equal(["magenta", "other"], e.GetProperty("attributes").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
                Assert.Equal(3, e.GetProperty("feature").GetArrayLength());
            });
            Assert.True(events.GroupBy(e => e.GetProperty("track_id").GetInt32()).Any(g => g.Count() > 1), "a track snapshotted once per window");

            // A face bundle: faces detected with it, each snapshot carrying the aligned face's embedding (512 values, unit length).
            var faces = await CreatedStream(admin, new { source = video, model = "facebundle" });
            string fid = faces.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/streams/{fid}/start", null)).StatusCode);
            var fh = await WaitHealth(admin, fid, h => h.GetProperty("state").GetString() == "ended");
            Assert.Equal(5, fh.GetProperty("snapshots").GetInt64());
            var faceEvents = (await admin.GetFromJsonAsync<JsonElement>($"/api/streams/{fid}/snapshots")).EnumerateArray().Select(s => s.GetProperty("event")).ToList();
            Assert.Equal(5, faceEvents.Count);
            Assert.All(faceEvents, e =>
            {
                Assert.Equal("face", e.GetProperty("label").GetString());
                var v = e.GetProperty("feature").EnumerateArray().Select(x => x.GetDouble()).ToArray();
                Assert.Equal(512, v.Length);
                Assert.Equal(1.0, Math.Sqrt(v.Sum(x => x * x)), 3);
            });
        }
        Directory.Delete(home, recursive: true);
    }
}
