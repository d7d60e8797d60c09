using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Seer.Hosting.Jobs;
using Seer.Hosting.Storage;

namespace Seer.Server.Tests;

public sealed class JobTests
{
    private static readonly JobCapacity Capacity = new(4, [], TimeSpan.FromMinutes(5));

    private static void Blocking(IServiceCollection s) => s.AddSingleton<IJobHandler, BlockingJobHandler>();

    [Fact]
    public async Task RunningJob_WhenTheServerStops_IsMarkedFailedWithTheReason_AndStaysSoAfterRestart()
    {
        string home = TestPaths.TempDir();
        long id;
        await using (var first = await ServerHost.StartAsync(home, Blocking))
        {
            var submitted = await first.Admin().PostAsJsonAsync("/api/jobs", new { kind = "test-block", parameters = new { } });
            id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            var running = await first.WaitAsync(id, j => j.State == JobState.Running);
            Assert.Equal(JobState.Running, running.State);
        }
        await using var second = await ServerHost.StartAsync(home, Blocking);
        var job = await second.Admin().GetFromJsonAsync<JsonElement>($"/api/jobs/{id}");
        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Contains("interrupted: the server shut down while the job was running", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(job.TryGetProperty("finished_at", out var finished) && finished.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task JobsLeftRunningByAKilledServer_AreFailedOrResumedOnStart()
    {
        string home = TestPaths.TempDir();
        // A server process that died mid-job leaves its rows "running" on its worker id: reproduce exactly that.
        var queue = new SqliteJobQueue(new HostingDatabase(home));
        string worker = "local@" + Environment.MachineName;
        var blocked = queue.Enqueue(new JobRequest("test-block", JsonDocument.Parse("{}").RootElement, "admin"));
        Assert.NotNull(queue.TryClaimNext(worker, 4, [], Capacity));
        var import = queue.Enqueue(new JobRequest("import",
            JsonSerializer.SerializeToElement(new { dataset = "voc", format = "voc", path = TestPaths.LabelmeVoc }), "admin"));
        Assert.Equal(import.Id, queue.TryClaimNext(worker, 4, [], Capacity)!.Id);
        Assert.Equal(2, queue.RunningOn(worker).Count);

        await using var host = await ServerHost.StartAsync(home, Blocking);
        var failed = host.Service<IJobQueue>().Get(blocked.Id);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("interrupted: the server stopped (crash or kill) while the job was running", failed.Error);
        // Import is resumable (idempotent): requeued, run again, and it finishes.
        var resumed = await host.WaitAsync(import.Id, j => JobStates.IsFinal(j.State));
        Assert.Equal(JobState.Succeeded, resumed.State);
        Assert.Equal(2, resumed.Attempt);
        Assert.Contains(host.Service<IJobQueue>().ReadLogs(import.Id), l => l.Message.StartsWith("requeued: the server stopped", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task JobsQueueWhenNoSlotIsFree_CancelFreesTheSlot_RetryQueuesAgain(string backend)
    {
        string? database = backend == "postgres" ? JobQueueBackendTests.NewDatabase() : null;
        await using var host = await ServerHost.StartAsync(services: Blocking, options: o =>
        {
            o.CpuThreads = 1;
            o.Database = database;
        });
        Assert.Equal(backend == "postgres", host.Service<IJobQueue>() is Seer.Hosting.Postgres.PostgresJobQueue);
        var client = host.Member();
        async Task<long> Submit() =>
            (await (await client.PostAsJsonAsync("/api/jobs", new { kind = "test-block", parameters = new { } })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetInt64();
        long a = await Submit();
        long b = await Submit();
        await host.WaitAsync(a, j => j.State == JobState.Running);
        Assert.Equal(JobState.Queued, host.Service<IJobQueue>().Get(b).State);
        // GET /api/workers in the embedded default: one worker, the in-process runner, running job a; the job names it.
        var workers = await client.GetFromJsonAsync<JsonElement>("/api/workers");
        var local = Assert.Single(workers.EnumerateArray());
        Assert.Equal("active", local.GetProperty("state").GetString());
        Assert.Equal(1, local.GetProperty("cpu").GetInt32());
        Assert.Empty(local.GetProperty("gpus").EnumerateArray());
        Assert.Equal([a], local.GetProperty("jobs").EnumerateArray().Select(j => j.GetInt64()));
        var running = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{a}");
        Assert.Equal(local.GetProperty("name").GetString(), running.GetProperty("worker").GetString());

        var cancel = await client.PostAsync($"/api/jobs/{a}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(JobState.Cancelled, (await host.WaitAsync(a, j => JobStates.IsFinal(j.State))).State);
        Assert.Equal(JobState.Running, (await host.WaitAsync(b, j => j.State == JobState.Running)).State);

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/jobs/{a}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/jobs/{b}/retry", null)).StatusCode);
        var retry = await client.PostAsync($"/api/jobs/{a}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var again = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a, again.GetProperty("retry_of").GetInt64());
        Assert.Equal("queued", again.GetProperty("state").GetString());
        await client.PostAsync($"/api/jobs/{b}/cancel", null);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/jobs?state=cancelled");
        Assert.Contains(list.EnumerateArray(), j => j.GetProperty("id").GetInt64() == a);
    }
}
