using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seer.ActiveLearning.Projects;
using Seer.Core.Datasets;
using Seer.Data;
using Seer.Formats.Idx;
using Seer.Hosting.Jobs;

namespace Seer.Server.Tests;

/// <summary>
/// /api/projects on a real workspace: ownership (members see their own and shared projects, admins all; 401 without a
/// user, 403 on someone else's project), creation errors, and an iteration job that takes a project on real
/// Fashion-MNIST images (a 160-image cut) through round 0 and one round with an oracle, with a tiny network; on both
/// workspace databases (SQLite, and PostgreSQL with Seer:Database set: projects beside the metadata there).
/// </summary>
public sealed class ProjectApiTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Projects_BelongToTheirCreator_MembersSeeTheirOwnAndShared_OthersAreRefused(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        await ImportFashionAsync(host);
        var anon = host.Anonymous();
        foreach (var route in new[] { "/api/projects", "/api/projects/mine", "/api/projects/mine/iterations" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/projects", NewProject("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.PostAsJsonAsync("/api/projects/x/iterations", new { })).StatusCode);

        var member = host.Member();
        var admin = host.Admin();
        var created = await member.PostAsJsonAsync("/api/projects", NewProject("mine"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/projects/mine", created.Headers.Location?.ToString());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("member", body.GetProperty("owner").GetString());
        Assert.Equal("classify", body.GetProperty("task").GetString());
        Assert.Equal(0, body.GetProperty("rounds").GetInt32());
        Assert.Equal("top1", body.GetProperty("primary_metric").GetString());
        Assert.Equal(10, body.GetProperty("classes").GetArrayLength());
        Assert.StartsWith("f-pool@", body.GetProperty("pool").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/projects", NewProject("theirs"))).StatusCode);
        // made with the CLI without --owner: shared
        var ws = host.Service<Workspace>();
        ProjectSetup.Create(ws, host.Service<ProjectStore>(), "shared", "classify", "f-train", "f-val", "f-pool", null, null);

        Assert.Equal(["mine", "shared"], await NamesAsync(member));
        Assert.Equal(["mine", "shared", "theirs"], await NamesAsync(admin));
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/projects/theirs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/projects/theirs/iterations")).StatusCode);
        var refused = await member.PostAsJsonAsync("/api/projects/theirs/iterations", new { oracle = "f" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("belongs to 'admin'", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/projects/mine")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/projects/shared/iterations")).StatusCode);
        var history = await member.GetFromJsonAsync<JsonElement>("/api/projects/mine/iterations");
        Assert.Equal(0, history.GetProperty("iterations").GetArrayLength());

        // The job route cannot be used to get around the owner check: the job is refused at submission, nothing is queued.
        var sneaky = await member.PostAsJsonAsync("/api/jobs", new { kind = "iteration", parameters = new { project = "theirs", round = 0 } });
        // (a project the member may not see is "not found", as everywhere in the API)
        Assert.Equal(HttpStatusCode.NotFound, sneaky.StatusCode);
        Assert.DoesNotContain(host.Service<IJobQueue>().List(), j => j.Kind == "iteration");
        Assert.Empty(await member.GetFromJsonAsync<JsonElement[]>("/api/jobs") ?? []);
        Assert.Empty(host.Service<ProjectStore>().Iterations(host.Service<ProjectStore>().Get("theirs").Id));

        // Bad input is refused with the cause: duplicate name, unknown dataset, a pool with nothing to mine, bad task.
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsJsonAsync("/api/projects", NewProject("mine"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsJsonAsync("/api/projects", NewProject("x") with { Train = "nope" })).StatusCode);
        var labelledPool = await member.PostAsJsonAsync("/api/projects", NewProject("x") with { Pool = "f" });
        Assert.Equal(HttpStatusCode.BadRequest, labelledPool.StatusCode);
        Assert.Contains("has no unlabelled image", (await labelledPool.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsJsonAsync("/api/projects", NewProject("x") with { Task = "segment" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsJsonAsync("/api/projects", NewProject("bad name!"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/api/projects/nope")).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IterationJob_TakesAProjectThroughRoundZeroAndOneRound_AndTheHistoryShowsTheTrend(string backend)
    {
        await using var host = await ServerHost.StartOnAsync(backend);
        await ImportFashionAsync(host);
        var member = host.Member();
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("/api/projects", NewProject("fashion"))).StatusCode);

        var queued = await member.PostAsJsonAsync("/api/projects/fashion/iterations", new
        {
            round = 1, oracle = "f", strategy = "entropy", topk = 20, epochs = 1, image_size = 32, batch_size = 8, width = 8,
            max_batches_per_epoch = 3, cpu_threads = 1,
        });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var job = await queued.Content.ReadFromJsonAsync<JsonElement>();
        long id = job.GetProperty("id").GetInt64();
        Assert.Equal("iteration", job.GetProperty("kind").GetString());
        Assert.Equal(1, job.GetProperty("cpu_threads").GetInt32());
        // (a second iteration while this one is queued or running is refused: SecondIteration_IsRefusedWhileOneIsQueued;
        // here the job may already have finished, it takes about a second on a fast machine)

        // Safety net only (a hung trainer fails the test instead of hanging the run); not a speed assertion.
        var done = await host.Service<JobWaiter>().WaitAsync(id, j => JobStates.IsFinal(j.State), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal("done", done.Result!.Value.GetProperty("status").GetString());
        var logs = host.Service<IJobQueue>().ReadLogs(id).Select(l => l.Message).ToList();
        Assert.Contains("round 0 train started", logs);
        Assert.Contains("round 1 mine started", logs);
        Assert.Contains(logs, m => m.StartsWith("round 1 label done", StringComparison.Ordinal));

        var history = await member.GetFromJsonAsync<JsonElement>("/api/projects/fashion/iterations");
        Assert.Equal("top1", history.GetProperty("primary_metric").GetString());
        var rounds = history.GetProperty("iterations").EnumerateArray().ToList();
        Assert.Equal([0, 1], rounds.Select(r => r.GetProperty("round").GetInt32()));
        Assert.Equal(40, rounds[0].GetProperty("labelled").GetInt32());
        Assert.Equal(60, rounds[1].GetProperty("labelled").GetInt32());
        Assert.Equal("entropy", rounds[1].GetProperty("strategy").GetString());
        Assert.Equal(20, rounds[1].GetProperty("mined").GetInt32());
        foreach (var r in rounds)
        {
            Assert.Equal("done", r.GetProperty("state").GetString());
            double metric = r.GetProperty("metric").GetDouble();
            Assert.Equal(metric, r.GetProperty("metrics").GetProperty("top1").GetDouble());
            // top1 is a count of correct images over the validation set (f-val): a whole number of them.
            int samples = r.GetProperty("metrics").GetProperty("samples").GetInt32();
            Assert.Equal(40, samples);
            Assert.Equal(Math.Round(metric * samples), metric * samples, 3);
            Assert.StartsWith("m-", r.GetProperty("model").GetString(), StringComparison.Ordinal);
            var started = DateTimeOffset.Parse(r.GetProperty("started_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var finished = DateTimeOffset.Parse(r.GetProperty("finished_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Math.Round((finished - started).TotalSeconds, 1), r.GetProperty("seconds").GetDouble());
            Assert.All(r.GetProperty("steps").EnumerateArray(), s => Assert.Equal("done", s.GetProperty("state").GetString()));
        }
        Assert.Equal(rounds[1].GetProperty("metric").GetDouble() - rounds[0].GetProperty("metric").GetDouble(),
            rounds[1].GetProperty("trend").GetProperty("top1").GetDouble(), 5);

        // The rounds' models belong to the project's owner: another member gets a 404, the admin sees them.
        var other = host.As(Security.OwnershipTests.AddMember(host, "mallory"));
        foreach (var r in rounds)
        {
            string model = r.GetProperty("model").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/trained-models/{model}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync($"/api/trained-models/{model}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/trained-models/{model}")).StatusCode);
        }
        // So do the datasets its rounds committed.
        foreach (var dataset in new[] { "fashion-train", "fashion-mined" })
        {
            Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/datasets/{dataset}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/datasets/{dataset}")).StatusCode);
        }

        var project = await member.GetFromJsonAsync<JsonElement>("/api/projects/fashion");
        Assert.Equal(2, project.GetProperty("rounds").GetInt32());
        Assert.Equal(rounds[1].GetProperty("metric").GetDouble(), project.GetProperty("latest_metric").GetDouble());
        Assert.Equal(60, project.GetProperty("latest_labelled").GetInt32());

        // Asking again for a round already reached queues a job that runs no step.
        var next = await member.PostAsJsonAsync("/api/projects/fashion/iterations", new { round = 1, oracle = "f" });
        var again = await host.WaitJobAsync(member, (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal("succeeded", again.GetProperty("state").GetString());
        Assert.DoesNotContain(host.Service<IJobQueue>().ReadLogs(again.GetProperty("id").GetInt64()), l => l.Message.EndsWith(" started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondIteration_IsRefusedWhileOneIsQueued_AndAcceptedOnceItIsCancelled()
    {
        string home = TestPaths.TempDir();
        await using (var setup = await ServerHost.StartAsync(home))
        {
            await ImportFashionAsync(setup);
            Assert.Equal(HttpStatusCode.Created, (await setup.Member().PostAsJsonAsync("/api/projects", NewProject("fashion"))).StatusCode);
        }
        // The same workspace without a local runner (as a server whose workers are elsewhere): the first job stays
        // queued for as long as the test needs.
        await using var host = await ServerHost.StartAsync(home, options: o => o.LocalRunner = false);
        var member = host.Member();

        var first = await member.PostAsJsonAsync("/api/projects/fashion/iterations", new { oracle = "f" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        long id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(JobState.Queued, host.Service<IJobQueue>().Get(id).State);

        var second = await member.PostAsJsonAsync("/api/projects/fashion/iterations", new { oracle = "f" });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains($"iteration job {id} of project 'fashion' is queued", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        // the job route is held to the same rule
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsJsonAsync("/api/jobs", new { kind = "iteration", parameters = new { project = "fashion", round = 0, oracle = "f" } })).StatusCode);
        Assert.Single(host.Service<IJobQueue>().List(), j => j.Kind == "iteration");

        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/jobs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await member.PostAsJsonAsync("/api/projects/fashion/iterations", new { oracle = "f" })).StatusCode);
    }

    internal sealed record ProjectBody(string Name, string Task, string Train, string Val, string Pool);

    internal static ProjectBody NewProject(string name) => new(name, "classify", "f-train", "f-val", "f-pool");

    private static async Task<string[]> NamesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/projects")).EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray();

    /// <summary>
    /// 160 Fashion-MNIST test images imported as "f" (labelled: the oracle), and versions cut from it: f-train (40),
    /// f-val (40), f-pool (the other 80, unlabelled).
    /// </summary>
    internal static async Task ImportFashionAsync(ServerHost host)
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
        Assert.Equal(160, images.Count);
        ws.CommitVersion("f-train", images.Take(40).ToList(), [all.Version], "test-cut", null, all.Classes);
        ws.CommitVersion("f-val", images.Skip(40).Take(40).ToList(), [all.Version], "test-cut", null, all.Classes);
        ws.CommitVersion("f-pool", images.Skip(80).Select(i => i with { IsLabelled = false, Tags = [] }).ToList(), [all.Version], "test-cut", null, all.Classes);
    }
}
