using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Seer.Hosting.Jobs;

namespace Seer.Server.Tests;

/// <summary>The scheduler: capacity checked at submission, backfill of small jobs, reservations for starved ones, GPU slots.</summary>
public sealed class SchedulerTests
{
    private static void Blocking(IServiceCollection s)
    {
        s.AddSingleton<IJobHandler, BlockingJobHandler>();
        s.AddSingleton<IJobHandler, WideBlockingJobHandler>();
    }

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string kind, int? cpuThreads = null, int? gpus = null) =>
        await client.PostAsJsonAsync("/api/jobs", new { kind, parameters = new { }, cpu_threads = cpuThreads, gpus });

    private static async Task<long> IdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task JobsThatCanNeverFit_AreRefusedAtSubmissionNamingTheCapacity_DefaultsAreClampedToIt()
    {
        await using var host = await ServerHost.StartAsync(services: Blocking, options: o => o.CpuThreads = 2);
        var client = host.Member();

        var tooWide = await SubmitAsync(client, "test-block", cpuThreads: 64);
        Assert.Equal(HttpStatusCode.BadRequest, tooWide.StatusCode);
        Assert.Contains("asks for 64 CPU threads but this server's capacity is 2 CPU thread(s)",
            (await tooWide.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var gpu = await SubmitAsync(client, "test-block", gpus: 1);
        Assert.Equal(HttpStatusCode.BadRequest, gpu.StatusCode);
        Assert.Contains("asks for 1 GPU(s) but this server has no GPUs",
            (await gpu.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Service<IJobQueue>().List());

        // A kind whose default (8 threads) exceeds the capacity is queued with the capacity, and runs.
        long wide = await IdAsync(await SubmitAsync(client, WideBlockingJobHandler.Name));
        var running = await host.WaitAsync(wide, j => j.State == JobState.Running);
        Assert.Equal(2, running.CpuThreads);
        await client.PostAsync($"/api/jobs/{wide}/cancel", null);
    }

    [Fact]
    public async Task ABigJobWaitingForThreads_DoesNotBlockASmallJobThatFits_UntilItHasWaitedPastTheBound()
    {
        await using var host = await ServerHost.StartAsync(services: Blocking, options: o =>
        {
            o.CpuThreads = 2;
            o.MaxConcurrentJobs = 4;
            o.ReserveAfter = TimeSpan.FromHours(1);
        });
        var client = host.Member();
        long first = await IdAsync(await SubmitAsync(client, "test-block", cpuThreads: 1));
        await host.WaitAsync(first, j => j.State == JobState.Running);
        long big = await IdAsync(await SubmitAsync(client, "test-block", cpuThreads: 2));
        long small = await IdAsync(await SubmitAsync(client, "test-block", cpuThreads: 1));
        // The small job (younger than the big one) starts on the free thread; the big one waits for two.
        Assert.Equal(JobState.Running, (await host.WaitAsync(small, j => j.State != JobState.Queued)).State);
        Assert.Equal(JobState.Queued, host.Service<IJobQueue>().Get(big).State);

        // Both small jobs end: the big one starts.
        await client.PostAsync($"/api/jobs/{first}/cancel", null);
        await client.PostAsync($"/api/jobs/{small}/cancel", null);
        var started = await host.WaitAsync(big, j => j.State != JobState.Queued);
        Assert.Equal(JobState.Running, started.State);
        Assert.Equal(2, started.CpuThreads);
        await client.PostAsync($"/api/jobs/{big}/cancel", null);
    }

    [Fact]
    public async Task ABigJobWaitingPastTheBound_ReservesTheThreads_SmallerJobsWaitBehindIt()
    {
        await using var host = await ServerHost.StartAsync(services: Blocking, options: o =>
        {
            o.CpuThreads = 2;
            o.MaxConcurrentJobs = 4;
            o.ReserveAfter = TimeSpan.Zero;
        });
        var client = host.Member();
        var queue = host.Service<IJobQueue>();
        long first = await IdAsync(await SubmitAsync(client, "test-block", cpuThreads: 1));
        await host.WaitAsync(first, j => j.State == JobState.Running);
        long big = await IdAsync(await SubmitAsync(client, "test-block", cpuThreads: 2));
        long small = await IdAsync(await SubmitAsync(client, "test-block", cpuThreads: 1));
        // A free thread and a queued job that fits it, but the big job holds a reservation: nothing else starts.
        // Wake the runner until it has looked at the queue with both jobs in it (each claim is one transaction).
        var runner = host.Service<LocalJobRunner>();
        for (int i = 0; i < 5; i++)
        {
            runner.Wake();
            await Task.Delay(50);
        }
        Assert.Equal(JobState.Queued, queue.Get(small).State);
        Assert.Equal(JobState.Queued, queue.Get(big).State);

        await client.PostAsync($"/api/jobs/{first}/cancel", null);
        Assert.Equal(JobState.Running, (await host.WaitAsync(big, j => j.State != JobState.Queued)).State);
        Assert.Equal(JobState.Queued, queue.Get(small).State);
        await client.PostAsync($"/api/jobs/{big}/cancel", null);
        Assert.Equal(JobState.Running, (await host.WaitAsync(small, j => j.State != JobState.Queued)).State);
        await client.PostAsync($"/api/jobs/{small}/cancel", null);
    }

    [Fact]
    public void Policy_AReservationShortOfGpusOnly_LetsCpuJobsUseTheThreadsItDoesNotNeed()
    {
        var capacity = new JobCapacity(4, [0], TimeSpan.Zero);
        var now = DateTimeOffset.UtcNow;
        JobInfo Job(long id, int cpu, int gpus) => new()
        {
            Id = id, Kind = "k", State = JobState.Queued, Parameters = default, CpuThreads = cpu, Gpus = gpus, AssignedGpus = [],
            CreatedBy = "u", CreatedAt = now.AddMinutes(-10 + id),
        };
        // GPU 0 is busy; 4 threads free. Job 1 wants the GPU and 2 threads and reserves.
        var queued = new[] { Job(1, 2, 1), Job(2, 3, 0), Job(3, 2, 0) };
        var pick = JobScheduler.Pick(queued, 4, [], capacity, now);
        // Job 2 (3 threads) would leave 1 < 2 threads for the reserved job; job 3 leaves 2 and takes no GPU.
        Assert.Equal(3, pick!.Value.Job.Id);
        // Without the reservation (bound not reached) the oldest that fits starts.
        var patient = new JobCapacity(4, [0], TimeSpan.FromHours(1));
        Assert.Equal(2, JobScheduler.Pick(queued, 4, [], patient, now)!.Value.Job.Id);
        // Short of threads: nothing may backfill; a job bigger than the capacity neither starts nor reserves.
        Assert.Equal(3, JobScheduler.Pick([Job(1, 8, 0), Job(3, 1, 0)], 2, [0], capacity, now)!.Value.Job.Id);
        Assert.Null(JobScheduler.Pick([Job(1, 8, 0), Job(2, 3, 0), Job(3, 1, 0)], 2, [0], capacity, now));
        // A GPU job gets the lowest free GPU id.
        Assert.Equal([0], JobScheduler.Pick([Job(1, 1, 1)], 4, [0], capacity, now)!.Value.Gpus);
    }

    [Fact]
    public async Task AGpuTrainingJob_GetsAGpuSlot_AndTrainsOnCudaN()
    {
        // A test double lists one GPU (id 3); this machine has no CUDA, so the trainer's device check ends the job
        // after the handler has mapped the slot to cuda:3.
        await using var host = await ServerHost.StartAsync(services: s => s.AddSingleton<IGpuDevices>(new FixedGpus([3])));
        var client = host.Admin();
        var import = await client.PostAsJsonAsync("/api/datasets/import", new { dataset = "labelme", format = "voc", path = TestPaths.LabelmeVoc });
        Assert.Equal("succeeded", (await host.WaitJobAsync(client, await IdAsync(import))).GetProperty("state").GetString());

        var tooMany = await client.PostAsJsonAsync("/api/jobs", new { kind = "training", parameters = new { train = "labelme", task = "detect" }, gpus = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("capacity is 1 GPU(s): cuda:3", (await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        long id = await IdAsync(await client.PostAsJsonAsync("/api/jobs", new
        {
            kind = "training", parameters = new { train = "labelme", task = "detect", epochs = 1, image_size = 64, batch_size = 2 }, gpus = 1,
        }));
        var job = await host.WaitAsync(id, j => JobStates.IsFinal(j.State));
        Assert.Equal([3], job.AssignedGpus);
        var logs = host.Service<IJobQueue>().ReadLogs(id).Select(l => l.Message).ToList();
        Assert.Contains(logs, m => m.Contains("GPUs 3", StringComparison.Ordinal));
        Assert.Contains(logs, m => m.StartsWith("training detect", StringComparison.Ordinal) && m.Contains(" on cuda:3 ", StringComparison.Ordinal));
        Assert.Equal(JobState.Failed, job.State);
        Assert.Contains("device cuda:3 requested but CUDA is not available", job.Error, StringComparison.Ordinal);
    }

    private sealed class FixedGpus(IReadOnlyList<int> ids) : IGpuDevices
    {
        public IReadOnlyList<int> Ids => ids;
    }

    /// <summary>A test kind asking for more threads by default than the test servers have.</summary>
    private sealed class WideBlockingJobHandler : IJobHandler
    {
        public const string Name = "test-block-wide";

        public string Kind => Name;

        public bool Resumable => false;

        public int DefaultCpuThreads => 8;

        public void Validate(JsonElement parameters)
        {
        }

        public async Task<object?> RunAsync(JobContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }
}
