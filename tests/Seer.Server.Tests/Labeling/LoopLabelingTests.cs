using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Formats.Idx;
using Seer.Hosting.Accounts;
using Seer.Hosting.Jobs;

namespace Seer.Server.Tests.Labeling;

/// <summary>
/// A project round labelled through a Seer labelling task, end to end, on 160 real Fashion-MNIST images with a tiny
/// network: the iteration job mines 10 images, makes a task for the labeller with a reviewer and ends "waiting" (never
/// "succeeded"); the labeller tags every image through the API, the reviewer accepts them and commits; the commit queues
/// the job that continues the round (merge, train, evaluate), which then finishes with 40 + 10 labelled images.
/// </summary>
public sealed class LoopLabelingTests
{
    [Fact]
    public async Task ARoundWaitsOnItsLabellingTask_AndContinuesWhenTheTaskIsCommitted()
    {
        await using var host = await ServerHost.StartAsync();
        var ws = host.Service<Workspace>();
        var truth = await ImportFashionAsync(host);
        var accounts = host.Service<AccountStore>();
        accounts.AddUser("lena", UserRole.Labeller, "labeller-password-1");
        accounts.AddUser("rita", UserRole.Labeller, "labeller-password-1");
        var lena = host.As(accounts.CreateToken("lena"));
        var rita = host.As(accounts.CreateToken("rita"));
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("/api/projects",
            new { name = "loop", task = "classify", train = "f-train", val = "f-val", pool = "f-pool" })).StatusCode);

        var queued = await member.PostAsJsonAsync("/api/projects/loop/iterations", new
        {
            round = 1, tool = "seer", assignees = new[] { "lena" }, reviewer = "rita", strategy = "entropy", topk = 10, epochs = 1, image_size = 32,
            batch_size = 8, width = 8, max_batches_per_epoch = 3, cpu_threads = 1,
        });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        long first = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        // Safety net only (a hung trainer fails the test instead of hanging the run); not a speed assertion.
        var waiting = await host.Service<JobWaiter>().WaitAsync(first, j => JobStates.IsFinal(j.State), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(waiting.State == JobState.Waiting, $"{waiting.State}: {waiting.Error}");
        var result = waiting.Result!.Value;
        Assert.Equal("waiting_for_labels", result.GetProperty("status").GetString());
        long taskId = result.GetProperty("waiting").GetProperty("task").GetInt64();
        var history = await member.GetFromJsonAsync<JsonElement>("/api/projects/loop/iterations");
        Assert.Equal("waiting", history.GetProperty("iterations")[1].GetProperty("state").GetString());
        Assert.Equal("waiting", (await member.GetFromJsonAsync<JsonElement>($"/api/jobs/{first}")).GetProperty("state").GetString());

        // the labeller sees the round's task: 10 picked images, the project's classes, tags to set
        var tasks = await lena.GetFromJsonAsync<JsonElement>("/api/labeling/tasks");
        var task = Assert.Single(tasks.EnumerateArray());
        Assert.Equal(taskId, task.GetProperty("id").GetInt64());
        Assert.Equal("loop", task.GetProperty("origin").GetProperty("project").GetString());
        Assert.Equal(1, task.GetProperty("origin").GetProperty("round").GetInt32());
        Assert.Equal("classify", task.GetProperty("kind").GetString());
        Assert.Equal("loop-labels-r1", task.GetProperty("into").GetString());
        Assert.Equal(10, task.GetProperty("images").GetInt32());
        Assert.Equal(10, task.GetProperty("classes").GetArrayLength());

        for (int i = 0; i < 10; i++)
        {
            var item = await lena.GetFromJsonAsync<JsonElement>($"/api/labeling/tasks/{taskId}/items/{i}");
            string label = truth[item.GetProperty("hash").GetString()!];
            var saved = await lena.PutAsJsonAsync($"/api/labeling/tasks/{taskId}/items/{i}",
                new { objects = Array.Empty<object>(), tags = new[] { label }, revision = item.GetProperty("revision").GetInt64() });
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await lena.PostAsync($"/api/labeling/tasks/{taskId}/items/{i}/submit", null)).StatusCode);
        }
        // not yet reviewed: the commit is refused, the round still waits
        var early = await rita.PostAsync($"/api/labeling/tasks/{taskId}/commit", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("10 of 10 images are not accepted yet (10 submitted)", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        for (int i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await rita.PostAsJsonAsync($"/api/labeling/tasks/{taskId}/items/{i}/review", new { accept = true })).StatusCode);

        var committed = await rita.PostAsync($"/api/labeling/tasks/{taskId}/commit", null);
        Assert.Equal(HttpStatusCode.OK, committed.StatusCode);
        var version = await committed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("loop-labels-r1", version.GetProperty("dataset").GetString());
        Assert.Equal(taskId, version.GetProperty("parameters").GetProperty("task").GetInt64());
        long next = version.GetProperty("iteration_job").GetInt64();
        var done = await host.Service<JobWaiter>().WaitAsync(next, j => JobStates.IsFinal(j.State), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(done.State == JobState.Succeeded, $"{done.State}: {done.Error}");

        var rounds = (await member.GetFromJsonAsync<JsonElement>("/api/projects/loop/iterations")).GetProperty("iterations").EnumerateArray().ToList();
        Assert.Equal(["done", "done"], rounds.Select(r => r.GetProperty("state").GetString()!).ToArray());
        Assert.Equal(50, rounds[1].GetProperty("labelled").GetInt32());
        // the merged training set holds the task's labels, exactly the truth of each picked image
        var train = ws.OpenSnapshot(DatasetRef.Parse("loop-train"));
        var picked = ws.OpenSnapshot(DatasetRef.Parse("loop-labels-r1"));
        Assert.Equal(10, picked.Images.Count);
        foreach (var image in picked.Images)
            Assert.Equal(truth[image.ContentHash], Assert.Single(train.Images.Single(i => i.ContentHash == image.ContentHash).Tags));
    }

    [Fact]
    public async Task ARoundWaitingOnLabelStudio_DownloadsItsPackage_RefusesAForeignExport_AndContinuesWithTheFinishedJson()
    {
        await using var host = await ServerHost.StartAsync();
        var ws = host.Service<Workspace>();
        await ImportFashionAsync(host);
        var truth = ws.OpenSnapshot(DatasetRef.Parse("f")).Images.ToDictionary(i => i.FileName, i => i.Tags[0], StringComparer.Ordinal);
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("/api/projects",
            new { name = "ls", task = "classify", train = "f-train", val = "f-val", pool = "f-pool" })).StatusCode);
        var queued = await member.PostAsJsonAsync("/api/projects/ls/iterations", new
        {
            round = 1, tool = "labelstudio", strategy = "entropy", topk = 10, epochs = 1, image_size = 32, batch_size = 8, width = 8,
            max_batches_per_epoch = 3, cpu_threads = 1,
        });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        long first = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        // Safety net only (a hung trainer fails the test instead of hanging the run); not a speed assertion.
        var waiting = await host.Service<JobWaiter>().WaitAsync(first, j => JobStates.IsFinal(j.State), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(waiting.State == JobState.Waiting, $"{waiting.State}: {waiting.Error}");

        // round 0 is done, not waiting: no package
        var notWaiting = await member.GetAsync("/api/projects/ls/iterations/0/handoff");
        Assert.Equal(HttpStatusCode.Conflict, notWaiting.StatusCode);
        Assert.Contains("round 0 of project 'ls' is not waiting on a CVAT / Label Studio hand-off", await notWaiting.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // the project's owner (or an admin) only: another member and a labeller are refused
        var accounts = host.Service<AccountStore>();
        accounts.AddUser("mallory", UserRole.Member, "member-password-2");
        accounts.AddUser("lena", UserRole.Labeller, "labeller-password-1");
        using (var other = host.As(accounts.CreateToken("mallory")))
        {
            var refused = await other.GetAsync("/api/projects/ls/iterations/1/handoff");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("belongs to 'member'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var form = new MultipartFormDataContent { { new ByteArrayContent("[]"u8.ToArray()), "file", "tasks.json" } };
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync("/api/projects/ls/iterations/1/handoff", form)).StatusCode);
        }
        using (var labeller = host.As(accounts.CreateToken("lena")))
            Assert.Equal(HttpStatusCode.Forbidden, (await labeller.GetAsync("/api/projects/ls/iterations/1/handoff")).StatusCode);

        var package = await member.GetAsync("/api/projects/ls/iterations/1/handoff");
        Assert.Equal(HttpStatusCode.OK, package.StatusCode);
        Assert.Equal("application/zip", package.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ls-round-1-labelstudio-task.zip", package.Content.Headers.ContentDisposition?.FileNameStar ?? package.Content.Headers.ContentDisposition?.FileName);
        JsonArray tasks;
        using (var zip = new ZipArchive(await package.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(10, zip.Entries.Count(e => e.FullName.StartsWith("images/", StringComparison.Ordinal)));
            Assert.NotNull(zip.GetEntry("label_config.xml"));
            using var json = zip.GetEntry("tasks.json")!.Open();
            tasks = JsonNode.Parse(json)!.AsArray();
        }
        Assert.Equal(10, tasks.Count);

        // refused, writing nothing: a file of the wrong kind, and the task as it went out (nothing labelled in it)
        var wrongKind = await UploadAsync(member, "notes.txt", "labels"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        Assert.Contains("upload its export as Label Studio JSON or a .zip", await wrongKind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var untouched = await UploadAsync(member, "tasks.json", System.Text.Encoding.UTF8.GetBytes(tasks.ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, untouched.StatusCode);
        Assert.Contains("labels none of the 10 images picked in round 1 of project 'ls'", await untouched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(ws.Metadata.FindHead("ls-labels-r1"));

        // the labeller's work, as Label Studio exports it: a choice on 6 of the 10 tasks
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var task in tasks.Take(6))
        {
            string name = task!["data"]!["seer_file_name"]!.GetValue<string>();
            given[name] = truth[name];
            task["annotations"] = new JsonArray(new JsonObject
            {
                ["id"] = given.Count, ["was_cancelled"] = false,
                ["result"] = new JsonArray(new JsonObject
                {
                    ["type"] = "choices", ["from_name"] = "class", ["to_name"] = "image", ["value"] = new JsonObject { ["choices"] = new JsonArray(truth[name]) },
                }),
            });
        }
        var finished = await UploadAsync(member, "project-3-at-2026-12-03.json", System.Text.Encoding.UTF8.GetBytes(tasks.ToJsonString()));
        Assert.True(finished.StatusCode == HttpStatusCode.OK, await finished.Content.ReadAsStringAsync());
        var imported = await finished.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ls-labels-r1", imported.GetProperty("dataset").GetString());
        Assert.Equal(6, imported.GetProperty("labelled").GetInt32());
        Assert.Equal(10, imported.GetProperty("images").GetInt32());
        long next = imported.GetProperty("iteration_job").GetInt64();
        var done = await host.Service<JobWaiter>().WaitAsync(next, j => JobStates.IsFinal(j.State), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(done.State == JobState.Succeeded, $"{done.State}: {done.Error}");
        var rounds = (await member.GetFromJsonAsync<JsonElement>("/api/projects/ls/iterations")).GetProperty("iterations").EnumerateArray().ToList();
        Assert.Equal(["done", "done"], rounds.Select(r => r.GetProperty("state").GetString()!).ToArray());
        Assert.Equal(46, rounds[1].GetProperty("labelled").GetInt32());
        var labels = ws.OpenSnapshot(DatasetRef.Parse("ls-labels-r1"));
        Assert.Equal(given.OrderBy(p => p.Key), labels.Images.Where(i => i.IsLabelled).ToDictionary(i => i.FileName, i => Assert.Single(i.Tags)).OrderBy(p => p.Key));
        // the round is no longer waiting: a second upload is refused
        Assert.Equal(HttpStatusCode.Conflict, (await UploadAsync(member, "again.json", "[]"u8.ToArray())).StatusCode);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string name, byte[] bytes)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name } };
        return await client.PostAsync("/api/projects/ls/iterations/1/handoff", form);
    }

    /// <summary>160 Fashion-MNIST test images as "f"; f-train 40, f-val 40, f-pool 80 unlabelled. Returns content hash → true label.</summary>
    private static async Task<Dictionary<string, string>> ImportFashionAsync(ServerHost host)
    {
        string folder = IdxSample.Write(TestPaths.Data("fashion-mnist"), "t10k", 0, 160, Path.Combine(host.Home, "imports", "fashion-cut"), "fashion",
            IdxSample.FashionMnistClasses);
        var client = host.Admin();
        var response = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "f", format = "idx", path = folder });
        var job = await host.WaitJobAsync(client, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        var ws = host.Service<Workspace>();
        var all = ws.OpenSnapshot(DatasetRef.Parse("f"));
        var images = all.Images.OrderBy(i => i.FileName, StringComparer.Ordinal).ToList();
        ws.CommitVersion("f-train", images.Take(40).ToList(), [all.Version], "test-cut", null, all.Classes);
        ws.CommitVersion("f-val", images.Skip(40).Take(40).ToList(), [all.Version], "test-cut", null, all.Classes);
        ws.CommitVersion("f-pool", images.Skip(80).Select(i => i with { IsLabelled = false, Tags = [] }).ToList(), [all.Version], "test-cut", null, all.Classes);
        return all.Images.GroupBy(i => i.ContentHash).ToDictionary(g => g.Key, g => g.First().Tags[0]);
    }
}
