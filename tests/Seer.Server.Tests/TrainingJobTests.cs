using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Hosting.Jobs;
using Seer.Hosting.Training;
using Seer.Training.Engine;

namespace Seer.Server.Tests;

/// <summary>
/// Training, evaluation and mining as durable jobs on the real libraries: a tiny detector (64 px, one batch of 2 per
/// epoch) trained on two images of the labelme VOC sample and validated on the third (never the same images).
/// </summary>
public sealed class TrainingJobTests
{
    private static readonly object TinyTraining = new
    {
        train = "labelme-train", val = "labelme-val", task = "detect", epochs = 2, image_size = 64, batch_size = 2, max_batches_per_epoch = 1, serve_as = "tiny",
    };

    [Fact]
    public async Task TrainingJob_StoppedByARestartAfterItsFirstEpoch_ResumesFromItsCheckpoint_ThenIsEvaluatedExportedAndServed()
    {
        string home = TestPaths.TempDir();
        var hold = new HoldAfterFirstEpoch();
        long id;
        string model;
        await using (var first = await ServerHost.StartAsync(home, s => s.AddSingleton<ITrainingEpochListener>(hold)))
        {
            await ImportLabelmeAsync(first);
            SplitLabelme(first.Service<Workspace>());
            var submitted = await first.Member().PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = TinyTraining });
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            // Safety net only (a hung trainer fails the test instead of hanging the run); not a speed assertion.
            model = await hold.Reached.Task.WaitAsync(TimeSpan.FromMinutes(5));
            var curves = await first.Member().GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/curves");
            Assert.Equal(model, curves.GetProperty("model").GetString());
            Assert.Equal(1, curves.GetProperty("curves").GetArrayLength());
            // While it trains the model is already its owner's: another member neither lists nor opens it.
            var firstAccounts = first.Service<Seer.Hosting.Accounts.AccountStore>();
            firstAccounts.AddUser("eve", Seer.Hosting.Accounts.UserRole.Member, "eve-password-123");
            var eve = first.As(firstAccounts.CreateToken("eve"));
            Assert.Equal(HttpStatusCode.NotFound, (await eve.GetAsync($"/api/trained-models/{model}")).StatusCode);
            Assert.DoesNotContain(model, await eve.GetStringAsync("/api/trained-models"), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await first.Member().GetAsync($"/api/trained-models/{model}")).StatusCode);
        }

        await using var second = await ServerHost.StartAsync(home);
        var done = await second.WaitAsync(id, j => JobStates.IsFinal(j.State));
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal(2, done.Attempt);
        Assert.Equal(model, done.Checkpoint);
        var logs = second.Service<IJobQueue>().ReadLogs(id).Select(l => l.Message).ToList();
        Assert.Contains(logs, m => m.StartsWith("requeued: the server shut down while the job was running; training jobs resume from their checkpoint", StringComparison.Ordinal));
        Assert.Contains($"resuming model {model} from its checkpoint: 1 of 2 epoch(s) already done", logs);
        Assert.Single(logs, m => m.StartsWith("epoch 1/2:", StringComparison.Ordinal));
        Assert.Single(logs, m => m.StartsWith("epoch 2/2:", StringComparison.Ordinal));

        var client = second.Member();
        // The model and its served name belong to the member who trained it: another member does not see them.
        var accounts = second.Service<Seer.Hosting.Accounts.AccountStore>();
        accounts.AddUser("mallory", Seer.Hosting.Accounts.UserRole.Member, "mallory-password-1");
        var mallory = second.As(accounts.CreateToken("mallory"));
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync($"/api/trained-models/{model}")).StatusCode);
        Assert.DoesNotContain(model, await mallory.GetStringAsync("/api/trained-models"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await mallory.GetAsync("/api/models/tiny")).StatusCode);
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/trained-models/{model}");
        Assert.Equal("ready", detail.GetProperty("summary").GetProperty("status").GetString());
        Assert.Equal(["tiny"], detail.GetProperty("summary").GetProperty("served_as").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([1, 2], detail.GetProperty("curves").EnumerateArray().Select(c => c.GetProperty("epoch").GetInt32()));
        var evaluation = detail.GetProperty("evaluation");
        // Scored on the validation image only (2011_000006: four people), not on the images it trained on.
        Assert.StartsWith("labelme-val@", evaluation.GetProperty("dataset").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, evaluation.GetProperty("metrics").GetProperty("images").GetInt32());
        Assert.Equal(4, evaluation.GetProperty("metrics").GetProperty("instances").GetProperty("person").GetInt32());
        Assert.Equal("labelme-train", detail.GetProperty("summary").GetProperty("train_dataset").GetString()!.Split('@')[0]);
        var classes = evaluation.GetProperty("pr_curves").EnumerateArray().Select(c => c.GetProperty("class").GetString()).ToList();
        Assert.Contains("person", classes);

        using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(TestPaths.LabelmeVoc, "JPEGImages", "2011_000003.jpg"))), "image", "2011_000003.jpg" } };
        var analyzed = await client.PostAsync("/api/models/tiny/analyze?threshold=0", form);
        Assert.Equal(HttpStatusCode.OK, analyzed.StatusCode);
        var result = await analyzed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("tiny", result.GetProperty("model").GetString());
        Assert.Equal((500, 338), (result.GetProperty("image").GetProperty("width").GetInt32(), result.GetProperty("image").GetProperty("height").GetInt32()));

        // An evaluation job on the same model, and a mining job with the served model over an unlabelled pool.
        var evaluate = await client.PostAsJsonAsync($"/api/trained-models/{model}/evaluate", new { dataset = "labelme" });
        Assert.Equal(HttpStatusCode.Accepted, evaluate.StatusCode);
        var evalJob = await second.WaitJobAsync(client, (await evaluate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", evalJob.GetProperty("state").GetString());
        Assert.Equal(model, evalJob.GetProperty("result").GetProperty("model").GetString());

        var ws = second.Service<Workspace>();
        var labelme = ws.OpenSnapshot(DatasetRef.Parse("labelme"));
        ws.CommitVersion("pool", labelme.Images.Select(i => i with { IsLabelled = false, Objects = [] }).ToList(), [labelme.Version], "test-pool", null);
        var mine = await client.PostAsJsonAsync("/api/jobs", new { kind = "mining", parameters = new { model = "tiny", pool = "pool", topk = 2, strategy = "entropy" } });
        Assert.Equal(HttpStatusCode.Accepted, mine.StatusCode);
        var mined = await second.WaitJobAsync(client, (await mine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.True(mined.GetProperty("state").GetString() == "succeeded", mined.GetProperty("error").ToString());
        Assert.Equal("pool-mined", mined.GetProperty("result").GetProperty("dataset").GetString());
        Assert.Equal(2, mined.GetProperty("result").GetProperty("items").GetArrayLength());
        Assert.Equal(2, ws.OpenSnapshot(DatasetRef.Parse("pool-mined")).Images.Count);
    }

    [Fact]
    public async Task TrainingJob_WithBadParameters_IsRefusedBeforeItIsQueued_NamingTheField()
    {
        await using var host = await ServerHost.StartAsync();
        await ImportLabelmeAsync(host);
        var response = await host.Member().PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = new { train = "labelme", image_size = 70 } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("training job: parameter 'image_size' must be a multiple of 32 in 32..2048 (was 70)", problem.GetProperty("detail").GetString());
        var missing = await host.Member().PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = new { train = "nope" } });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>labelme-train: 2011_000003 and 2011_000025; labelme-val: 2011_000006 (disjoint).</summary>
    [Theory]
    [InlineData(0, 4)]      // every epoch (3) and the finished model
    [InlineData(3600, 2)]   // the first epoch and the finished model; epochs 2 and 3 fall inside the interval
    public async Task TrainingJob_PublishesEpochCheckpoints_AtMostOncePerInterval_AndAlwaysTheFirstAndTheFinishedModel(int seconds, int publishes)
    {
        var files = new CountingModelFiles();
        await using var host = await ServerHost.StartAsync(services: s => s.AddSingleton<IModelFiles>(files),
            options: o => o.CheckpointPublishInterval = TimeSpan.FromSeconds(seconds));
        await ImportLabelmeAsync(host);
        SplitLabelme(host.Service<Workspace>());
        var parameters = new { train = "labelme-train", val = "labelme-val", task = "detect", epochs = 3, image_size = 64, batch_size = 2, max_batches_per_epoch = 1 };
        var submitted = await host.Member().PostAsJsonAsync("/api/jobs", new { kind = "training", parameters });
        var done = await host.WaitAsync((await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(), j => JobStates.IsFinal(j.State));
        Assert.True(done.State == JobState.Succeeded, done.Error);
        string model = done.Result!.Value.GetProperty("model").GetString()!;
        Assert.Equal(Enumerable.Repeat(model, publishes), files.PublishedIds);
    }

    /// <summary>An <see cref="IModelFiles"/> that records what was published (the blob-store one is tested in the cluster suites).</summary>
    private sealed class CountingModelFiles : IModelFiles
    {
        private readonly List<string> _published = [];

        public IReadOnlyList<string> PublishedIds { get { lock (_published) return [.. _published]; } }

        public bool Shared => false;

        public void Publish(string modelId, string folder)
        {
            lock (_published) _published.Add(modelId);
        }

        public bool Fetch(string modelId, string folder, Func<string, bool>? include = null) => false;

        public void Unpublish(string modelId)
        {
        }

        public IReadOnlyList<PublishedModel> Published() => [];
    }

    private static void SplitLabelme(Workspace ws)
    {
        var all = ws.OpenSnapshot(DatasetRef.Parse("labelme"));
        bool IsVal(ImageRecord i) => i.FileName.Contains("2011_000006", StringComparison.Ordinal);
        ws.CommitVersion("labelme-train", all.Images.Where(i => !IsVal(i)).ToList(), [all.Version], "test-split", null, all.Classes);
        ws.CommitVersion("labelme-val", all.Images.Where(IsVal).ToList(), [all.Version], "test-split", null, all.Classes);
    }

    private static async Task ImportLabelmeAsync(ServerHost host)
    {
        var client = host.Admin();
        var response = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "labelme", format = "voc", path = TestPaths.LabelmeVoc });
        var job = await host.WaitJobAsync(client, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        // What the admin imports through the API is private until shared; the member trains on it.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/datasets/labelme/share", null)).StatusCode);
    }

    /// <summary>Holds the training after its first epoch (checkpoint written) until the server stops it.</summary>
    private sealed class HoldAfterFirstEpoch : ITrainingEpochListener
    {
        public TaskCompletionSource<string> Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void EpochCompleted(JobInfo job, string model, EpochRecord epoch, CancellationToken cancellationToken)
        {
            if (epoch.Epoch != 1) return;
            Reached.TrySetResult(model);
            cancellationToken.WaitHandle.WaitOne();
        }
    }
}
