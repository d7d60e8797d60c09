using Seer.Data.Postgres;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using Seer.Data.Storage;
using Seer.Hosting.Postgres;

namespace Seer.Cli.Tests.Cluster;

/// <summary>
/// Issue 22's done-when test: PostgreSQL + S3, a server and two workers as separate processes on loopback; a training
/// job is killed with its worker (SIGKILL) after its first checkpoint and finishes on the other worker from that
/// checkpoint, fetched from the blob store (each worker has its own workspace folder, so nothing else could carry it).
/// </summary>
public sealed class ClusterKillTests : IAsyncLifetime
{
    private const int Epochs = 6;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "seer-cluster-kill-" + Guid.NewGuid().ToString("N")[..8]);
    private ClusterFixture _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterFixture.CreateAsync(_root);

    [Fact]
    public async Task TrainingJob_WhoseWorkerIsKilled_ResumesOnTheOtherWorkerFromItsLastCheckpoint()
    {
        string data = Seer.Tests.Shared.FashionSubset.Write(_root, 480);
        await _cluster.RunAsync(_cluster.Home, null, "dataset", "import", data, "--format", "idx", "--name", "fashion");
        var workers = new Dictionary<string, Process>
        {
            ["w1"] = _cluster.StartWorker("w1", cpu: 1),
            ["w2"] = _cluster.StartWorker("w2", cpu: 1),
        };
        await _cluster.StartServerAsync();
        await _cluster.WaitForAsync("both workers active in GET /api/workers", async () =>
            (await _cluster.GetAsync("/api/workers")).EnumerateArray().Count(w => w.GetProperty("state").GetString() == "active") == 2,
            TimeSpan.FromMinutes(3));
        var listed = await _cluster.GetAsync("/api/workers");
        Assert.All(listed.EnumerateArray(), w => Assert.Equal(1, w.GetProperty("cpu").GetInt32()));

        // A job that fits no worker is refused at submission, naming the workers.
        var (refusedStatus, refused) = await _cluster.PostAsync("/api/jobs", new { kind = "training", parameters = new { train = "fashion" }, cpu_threads = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        Assert.Contains("no worker can ever run the job", refused.GetProperty("detail").GetString());

        var (status, submitted) = await _cluster.PostAsync("/api/jobs", new
        {
            kind = "training",
            parameters = new { train = "fashion", task = "classify", image_size = 28, epochs = Epochs, batch_size = 16, seed = 7 },
            cpu_threads = 1,
        });
        Assert.True(status == HttpStatusCode.Accepted, submitted.ToString());
        long id = submitted.GetProperty("id").GetInt64();

        // Kill the worker running it once its first epoch is checkpointed (and published), well before the last.
        string? first = null;
        await _cluster.WaitForAsync("the first epoch of the job to be logged", async () =>
        {
            var job = await _cluster.GetAsync($"/api/jobs/{id}");
            first = job.GetProperty("worker").GetString();
            var logs = await _cluster.GetAsync($"/api/jobs/{id}/logs");
            return first is not null && logs.EnumerateArray().Any(l => l.GetProperty("message").GetString()!.StartsWith("epoch 1/", StringComparison.Ordinal));
        }, TimeSpan.FromMinutes(10));
        // ... and published to the blob store (the record in PostgreSQL names its last.ckpt): what another worker resumes from.
        await _cluster.WaitForAsync("the first checkpoint to be published", () =>
        {
            using var db = new PostgresDatabase(_cluster.Database);
            using var c = db.Open();
            using var cmd = new NpgsqlCommand("SELECT count(*) FROM model_files WHERE path LIKE '%last.ckpt'", c);
            return Task.FromResult(Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        }, TimeSpan.FromMinutes(10));
        var running = await _cluster.GetAsync($"/api/jobs/{id}");
        Assert.Equal("running", running.GetProperty("state").GetString());
        first = running.GetProperty("worker").GetString()!;
        Assert.Contains(first, workers.Keys);
        string other = workers.Keys.Single(k => k != first);
        workers[first].Kill(); // SIGKILL
        await workers[first].WaitForExitAsync();

        await _cluster.WaitForAsync("the job to end", async () =>
            (await _cluster.GetAsync($"/api/jobs/{id}")).GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled",
            TimeSpan.FromMinutes(15));
        var done = await _cluster.GetAsync($"/api/jobs/{id}");
        var messages = (await _cluster.GetAsync($"/api/jobs/{id}/logs")).EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.True(done.GetProperty("state").GetString() == "succeeded", $"{done}\n{string.Join('\n', messages)}\n{_cluster.Logs()}");
        Assert.Equal(other, done.GetProperty("worker").GetString());
        Assert.Contains(messages, m => m.Contains($"worker {first} was declared dead by the cluster", StringComparison.Ordinal));
        string? resumed = messages.SingleOrDefault(m => m.StartsWith($"resumed on {other} from checkpoint epoch ", StringComparison.Ordinal));
        Assert.True(resumed is not null, string.Join('\n', messages));
        int fromEpoch = int.Parse(resumed![$"resumed on {other} from checkpoint epoch ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(fromEpoch, 1, Epochs - 1);
        Assert.Contains(messages, m => m.Contains("fetched its published files", StringComparison.Ordinal));

        // The model: its record in PostgreSQL (ready, every epoch exactly once), its files in S3, one model for the job.
        string model = done.GetProperty("result").GetProperty("model").GetString()!;
        using var db = new PostgresDatabase(_cluster.Database);
        using var s3 = S3Blobs();
        using (var c = db.Open())
        using (var cmd = new NpgsqlCommand("SELECT id, record_json FROM models", c))
        using (var r = cmd.ExecuteReader())
        {
            Assert.True(r.Read());
            Assert.Equal(model, r.GetString(0));
            using var record = JsonDocument.Parse(r.GetString(1));
            Assert.Equal("ready", record.RootElement.GetProperty("status").GetString());
            Assert.False(r.Read(), "one job, one model");
        }
        var files = new PostgresModelFiles(db, s3);
        var published = files.Files(model);
        Assert.Contains(published, f => f.Path == "model.json");
        Assert.Contains(published, f => f.Path.EndsWith("last.ckpt", StringComparison.Ordinal));
        Assert.All(published, f => Assert.True(s3.Exists(f.Sha256), $"{f.Path} ({f.Sha256}) is not in S3"));
        string folder = Path.Combine(_root, "fetched", model);
        Assert.True(files.Fetch(model, folder));
        var curves = Seer.Hosting.Training.TrainingCurves.Read(folder).Values.Single();
        Assert.Equal(Enumerable.Range(1, Epochs), curves.Select(e => e.Epoch));
        Assert.Equal(2, done.GetProperty("attempt").GetInt32());

        // The server (its own HOME, where no training ran) shows, serves and exports the model a worker trained: it
        // copies the model from the shared store (ModelMirror) the first time someone asks.
        Assert.False(Directory.Exists(Path.Combine(_cluster.Home, "models", model)), "nothing copied before it is asked for");
        Assert.Contains(model, (await _cluster.GetAsync("/api/trained-models")).EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var page = await _cluster.GetAsync($"/api/trained-models/{model}");
        Assert.Equal("ready", page.GetProperty("summary").GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, Epochs), page.GetProperty("curves").EnumerateArray().Select(c => c.GetProperty("epoch").GetInt32()));
        Assert.Equal(Epochs, (await _cluster.GetAsync($"/api/jobs/{id}/curves")).GetProperty("curves").GetArrayLength());
        // the record alone so far: the weights stay in the store until the model is served or exported here
        Assert.False(File.Exists(Path.Combine(_cluster.Home, "models", model, "weights.bin")));
        // The workers' folders stand for other machines: the server must not read the ONNX file the worker registered
        // (its path is under the worker's HOME), so the model's folders on both workers go before it is served.
        Assert.True(Directory.Exists(Path.Combine(_cluster.Root, other, "models", model)));
        foreach (string worker in workers.Keys)
            if (Directory.Exists(Path.Combine(_cluster.Root, worker, "models", model))) Directory.Delete(Path.Combine(_cluster.Root, worker, "models", model), recursive: true);
        string image = Path.Combine(_root, "probe.png");
        using (var m = new OpenCvSharp.Mat(64, 64, OpenCvSharp.MatType.CV_8UC3, new OpenCvSharp.Scalar(0, 0, 0)))
        {
            OpenCvSharp.Cv2.Rectangle(m, new OpenCvSharp.Rect(16, 8, 28, 44), new OpenCvSharp.Scalar(220, 220, 220), -1);
            OpenCvSharp.Cv2.ImWrite(image, m);
        }
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(image)), "image", "probe.png" } })
        {
            var analyzed = await _cluster.Http.PostAsync(new Uri(_cluster.Server!, $"/api/models/{model}/analyze"), form);
            string body = await analyzed.Content.ReadAsStringAsync();
            Assert.True(analyzed.IsSuccessStatusCode, $"analyze on the server: {(int)analyzed.StatusCode} {body}");
            Assert.True(body.Contains("\"class\"", StringComparison.Ordinal), body);
        }
        Assert.True(File.Exists(Path.Combine(_cluster.Home, "models", model, "weights.bin")), "served: the whole model was copied");
        var onnx = await _cluster.Http.GetAsync(new Uri(_cluster.Server!, $"/api/trained-models/{model}/model.onnx"));
        Assert.Equal(HttpStatusCode.OK, onnx.StatusCode);
        Assert.True((await onnx.Content.ReadAsByteArrayAsync()).Length > 1000);

        // An evaluation job runs on the worker left, which no longer has the model (its folder went above): it copies
        // the model, scores it and publishes the report; the server's model page then lists both evaluations.
        Assert.Single((await _cluster.GetAsync($"/api/trained-models/{model}/evaluations")).EnumerateArray());
        var evaluated = await SucceedsAsync("the evaluation job", $"/api/trained-models/{model}/evaluate", new { dataset = "fashion" });
        Assert.Equal(other, evaluated.GetProperty("worker").GetString());
        var history = (await _cluster.GetAsync($"/api/trained-models/{model}/evaluations")).EnumerateArray().ToList();
        Assert.True(history.Count == 2, string.Join("\n", history));
        Assert.True(history.Any(e => e.GetProperty("dataset").GetString()!.StartsWith("fashion@", StringComparison.Ordinal)
                                     && e.GetProperty("metrics").GetProperty("samples").GetInt32() == 480), string.Join("\n", history));

        // The CLI sees the cluster's models as the server does: on a machine that trained nothing (a fresh HOME with
        // the cluster's variables), `seer model list` lists the model, `seer model eval` scores it and `seer model
        // export` writes its ONNX — the record, then the whole model, copied from the shared store.
        string laptop = Path.Combine(_root, "laptop");
        Directory.CreateDirectory(laptop);
        var listedModels = JsonDocument.Parse(await _cluster.RunAsync(laptop, null, "model", "list", "--json")).RootElement;
        Assert.Contains(model, listedModels.EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        Assert.False(File.Exists(Path.Combine(laptop, "models", model, "weights.bin")), "a listing copies records only");
        var scored = JsonDocument.Parse(await _cluster.RunAsync(laptop, null, "model", "eval", model, "fashion", "--json")).RootElement;
        Assert.Equal(480, scored.GetProperty("samples").GetInt32());
        string exported = Path.Combine(_root, "laptop.onnx");
        await _cluster.RunAsync(laptop, null, "model", "export", model, "--out", exported, "--json");
        Assert.True(new FileInfo(exported).Length > 1000);

        // A flow job runs on the worker left as well: its evaluate step reads the model another worker trained (its
        // folder there goes first, so only the shared store can bring it back), and the model its train step trains
        // is published, so the server lists it and shows its curve.
        Directory.Delete(Path.Combine(_cluster.Root, other, "models", model), recursive: true);
        string flow = $$$"""
            name: cluster-flow
            steps:
              - id: score
                op: evaluate
                with: {model: {{{model}}}, dataset: fashion}
              - id: again
                op: train
                with: {task: classify, train: fashion, val: fashion, settings: {epochs: 1, imageSize: 28, batchSize: 16}}
            outputs:
              top1: "${steps.score.top1}"
              model: "${steps.again.model}"
            """;
        var flowed = await SucceedsAsync("the flow job", "/api/jobs", new { kind = "flow", parameters = new { flow, format = "yaml" }, cpu_threads = 1 });
        Assert.Equal(other, flowed.GetProperty("worker").GetString());
        var flowOutputs = flowed.GetProperty("result").GetProperty("outputs");
        Assert.InRange(flowOutputs.GetProperty("top1").GetDouble(), 0.0, 1.0);
        string flowModel = flowOutputs.GetProperty("model").GetString()!;
        Assert.Contains(flowModel, (await _cluster.GetAsync("/api/trained-models")).EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Single((await _cluster.GetAsync($"/api/trained-models/{flowModel}")).GetProperty("curves").EnumerateArray());

        // `seer model delete` with the cluster's variables deletes the model everywhere: the shared store no longer
        // holds it, so the server's next listing drops its copy, and no machine copies it back.
        Assert.True(Directory.Exists(Path.Combine(_cluster.Home, "models", flowModel)), "the server copied the record above");
        var deleted = JsonDocument.Parse(await _cluster.RunAsync(laptop, null, "model", "delete", flowModel, "--json")).RootElement;
        Assert.Equal(flowModel, deleted.GetProperty("deleted").GetString());
        Assert.DoesNotContain(flowModel, (await _cluster.GetAsync("/api/trained-models")).EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.False(Directory.Exists(Path.Combine(_cluster.Home, "models", flowModel)), "the server's copy goes at its next listing");
        var relisted = JsonDocument.Parse(await _cluster.RunAsync(laptop, null, "model", "list", "--json")).RootElement;
        Assert.DoesNotContain(flowModel, relisted.EnumerateArray().Select(m => m.GetProperty("model").GetString()));
        Assert.Contains(model, relisted.EnumerateArray().Select(m => m.GetProperty("model").GetString()));
    }

    /// <summary>Submits a job (202), waits up to 5 minutes for it to end, asserts it succeeded and returns its JSON.</summary>
    private async Task<JsonElement> SucceedsAsync(string what, string path, object body)
    {
        var (status, submitted) = await _cluster.PostAsync(path, body);
        Assert.True(status == HttpStatusCode.Accepted, submitted.ToString());
        long id = submitted.GetProperty("id").GetInt64();
        await _cluster.WaitForAsync(what + " to end", async () =>
            (await _cluster.GetAsync($"/api/jobs/{id}")).GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled",
            TimeSpan.FromMinutes(5));
        var job = await _cluster.GetAsync($"/api/jobs/{id}");
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        return job;
    }

    private S3BlobStore S3Blobs() =>
        new(BlobStoreLocation.Parse(_cluster.Env["SEER_BLOBS"], "SEER_BLOBS", _cluster.Env["AWS_ACCESS_KEY_ID"], _cluster.Env["AWS_SECRET_ACCESS_KEY"]));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
