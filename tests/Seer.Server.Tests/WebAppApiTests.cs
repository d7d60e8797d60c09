using Seer.Tests.Shared;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Seer.Hosting.Jobs;
using Seer.Hosting.Training;
using Seer.Training.Engine;

namespace Seer.Server.Tests;

/// <summary>Issue 19's API: the server-paged images query, the training checks at submission and a cancelled training's model.</summary>
public sealed class WebAppApiTests
{
    private static async Task ImportAsync(ServerHost host, string dataset, string format, string path)
    {
        var client = host.Admin();
        var response = await client.PostAsJsonAsync("/api/datasets/import", new { dataset, format, path });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await host.WaitJobAsync(client, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        // What the admin imports is private until shared; the member works on it.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/datasets/{dataset}/share", null)).StatusCode);
    }

    /// <summary>A server whose allowed paths include a fresh folder for generated data (imports by path read it).</summary>
    private static async Task<(ServerHost Host, string Data)> StartAsync()
    {
        string data = TestPaths.TempDir();
        return (await ServerHost.StartAsync(options: o => o.AllowedPaths.Add(data)), data);
    }

    [Fact]
    public async Task ImagesQuery_PagesFiltersAndSortsAClassificationSet_WithTotalsOfTheFilteredImages()
    {
        var (host, data) = await StartAsync();
        await using var _ = host;
        await ImportAsync(host, "fashion", "idx", FashionSubset.Write(data, 300));
        var client = host.Member();

        var all = await client.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/images?limit=1000");
        Assert.Equal(300, all.GetProperty("total").GetInt32());
        var rows = all.GetProperty("images").EnumerateArray().ToList();
        Assert.All(rows, r => Assert.Equal(1, r.GetProperty("tags").GetArrayLength()));
        string bag = "Bag";
        int bags = rows.Count(r => r.GetProperty("tags")[0].GetString() == bag);
        Assert.True(bags > 0);

        var page = await client.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/images?offset=100&limit=50");
        Assert.Equal(300, page.GetProperty("total").GetInt32());
        Assert.Equal(100, page.GetProperty("offset").GetInt32());
        Assert.Equal(50, page.GetProperty("images").GetArrayLength());
        Assert.Equal(rows[100].GetProperty("hash").GetString(), page.GetProperty("images")[0].GetProperty("hash").GetString());
        Assert.Equal(28, page.GetProperty("images")[0].GetProperty("width").GetInt32());

        var filtered = await client.GetFromJsonAsync<JsonElement>($"/api/datasets/fashion/images?label={bag}&sort=file_name&order=desc&limit=5&state=labelled&q=sub/");
        Assert.Equal(bags, filtered.GetProperty("total").GetInt32());
        var expected = rows.Where(r => r.GetProperty("tags")[0].GetString() == bag).Select(r => r.GetProperty("file_name").GetString()!)
            .OrderDescending(StringComparer.Ordinal).Take(5);
        Assert.Equal(expected, filtered.GetProperty("images").EnumerateArray().Select(r => r.GetProperty("file_name").GetString()));

        var one = await client.GetFromJsonAsync<JsonElement>("/api/datasets/fashion/images/7");
        Assert.Equal(7, one.GetProperty("image").GetProperty("index").GetInt32());
        Assert.Equal(rows[7].GetProperty("hash").GetString(), one.GetProperty("image").GetProperty("hash").GetString());

        var bad = await client.GetAsync("/api/datasets/fashion/images?sort=nope");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unknown sort field 'nope'", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/datasets/fashion/images/300")).StatusCode);
    }

    [Fact]
    public async Task TrainingThatDoesNotFitTheData_IsRefusedAtSubmission_NamingTheDataset_AndNothingIsQueued()
    {
        var (host, data) = await StartAsync();
        await using var _ = host;
        await ImportAsync(host, "labelme", "voc", TestPaths.LabelmeVoc);
        await ImportAsync(host, "fashion", "idx", FashionSubset.Write(data, 40));
        var client = host.Member();

        var classifier = await client.PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = new { train = "labelme", task = "classify" } });
        Assert.Equal(HttpStatusCode.BadRequest, classifier.StatusCode);
        string detail = (await classifier.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("training set 'labelme@", detail, StringComparison.Ordinal);
        Assert.Contains("cannot train a classifier: 3 of its 3 labelled images do not carry exactly one class tag", detail, StringComparison.Ordinal);

        var detector = await client.PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = new { train = "fashion", task = "detect" } });
        Assert.Equal(HttpStatusCode.BadRequest, detector.StatusCode);
        detail = (await detector.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("training set 'fashion@", detail, StringComparison.Ordinal);
        Assert.Contains("cannot train a detector: none of its 40 labelled images has a box", detail, StringComparison.Ordinal);

        var mixedVal = await client.PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = new { train = "fashion", val = "labelme", task = "classify" } });
        Assert.Equal(HttpStatusCode.BadRequest, mixedVal.StatusCode);
        Assert.Contains("validation set 'labelme@", (await mixedVal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.DoesNotContain(host.Service<IJobQueue>().List(null, 100), j => j.Kind == "training");
        Assert.False(Directory.Exists(Path.Combine(host.Home, "models")), "a refused training writes no model");
    }

    [Fact]
    public async Task CancellingATrainingJob_MarksItsModelCancelled()
    {
        var hold = new HoldAfterFirstEpoch();
        await using var host = await ServerHost.StartAsync(services: s => s.AddSingleton<ITrainingEpochListener>(hold));
        await ImportAsync(host, "labelme", "voc", TestPaths.LabelmeVoc);
        var client = host.Member();
        var submitted = await client.PostAsJsonAsync("/api/jobs", new
        {
            kind = "training",
            parameters = new { train = "labelme", task = "detect", epochs = 3, image_size = 64, batch_size = 2, max_batches_per_epoch = 1 },
        });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        long id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        // Safety net only (a hung trainer fails the test instead of hanging the run); not a speed assertion.
        string model = await hold.Reached.Task.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal("training", (await client.GetFromJsonAsync<JsonElement>($"/api/trained-models/{model}")).GetProperty("summary").GetProperty("status").GetString());

        Assert.True((await client.PostAsync($"/api/jobs/{id}/cancel", null)).IsSuccessStatusCode);
        var done = await host.WaitAsync(id, j => JobStates.IsFinal(j.State));
        Assert.Equal(JobState.Cancelled, done.State);
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/trained-models/{model}");
        Assert.Equal("cancelled", detail.GetProperty("summary").GetProperty("status").GetString());
        Assert.Contains(host.Service<IJobQueue>().ReadLogs(id), l => l.Message == $"model {model} marked cancelled");
    }

    [Fact]
    public async Task DatasetActions_ReportTheirVersions_ExportDownloadsAZip_AndTokensAreListedAndRevokedByTheirOwners()
    {
        var (host, data) = await StartAsync();
        await using var _ = host;
        await ImportAsync(host, "fashion", "idx", FashionSubset.Write(data, 60));
        var member = host.Member();

        var sample = await member.PostAsJsonAsync("/api/datasets/fashion/sample", new { count = 20, stratified = true, seed = 1, target = "small" });
        Assert.Equal(HttpStatusCode.OK, sample.StatusCode);
        var report = await sample.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("sample", report.GetProperty("operation").GetString());
        Assert.Equal(20, report.GetProperty("versions")[0].GetProperty("images").GetInt32());
        var relabel = await (await member.PostAsJsonAsync("/api/datasets/small/relabel", new { map = new Dictionary<string, string> { ["Bag"] = "Handbag" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("small", relabel.GetProperty("versions")[0].GetProperty("dataset").GetString());
        var dedup = await member.PostAsJsonAsync("/api/datasets/fashion/dedup", new { near = false, target = "unique" });
        Assert.Equal(HttpStatusCode.OK, dedup.StatusCode);
        var bad = await member.PostAsJsonAsync("/api/datasets/fashion/split", new { ratios = new[] { -1.0, 2.0 } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.DoesNotContain(host.Service<Seer.Data.Workspace>().ListDatasets(), d => d.Name.StartsWith("fashion-", StringComparison.Ordinal));

        var zip = await member.GetAsync("/api/datasets/small/export.zip?format=coco");
        Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        using (var archive = new System.IO.Compression.ZipArchive(await zip.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(20, archive.Entries.Count(e => e.FullName.EndsWith(".png", StringComparison.Ordinal)));
            Assert.Contains(archive.Entries, e => e.FullName.EndsWith(".json", StringComparison.Ordinal));
        }

        var mine = await member.GetFromJsonAsync<JsonElement>("/api/tokens");
        Assert.All(mine.EnumerateArray(), t => Assert.Equal("member", t.GetProperty("user").GetString()));
        var all = await host.Admin().GetFromJsonAsync<JsonElement>("/api/tokens");
        string adminToken = all.EnumerateArray().First(t => t.GetProperty("user").GetString() == "admin").GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await member.DeleteAsync($"/api/tokens/{adminToken}")).StatusCode);
        string memberToken = mine[0].GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin().DeleteAsync($"/api/tokens/{memberToken}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await member.GetAsync("/api/tokens")).StatusCode);
    }

    /// <summary>Holds the training after its first epoch until the job is cancelled.</summary>
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
