using System.Text.Json;
using Seer.Workflows.Runs;

namespace Seer.Cli.Tests;

/// <summary><c>seer flow</c> end to end on the repository's example sweep over real Fashion-MNIST images, with tiny
/// settings: uninterrupted, and killed mid-way then resumed.</summary>
public sealed class FlowCliTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "seer-flowcli-" + Guid.NewGuid().ToString("N"));

    public FlowCliTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    // three small settings (6 short epochs each) so the test stays short; the example's own sets are larger
    private static readonly string[] Args =
    [
        "flow", "run", "examples/flows/sweep.yaml", "--param", "images=600",
        "--param", """sets=[{"epochs":6,"imageSize":28,"width":8,"learningRate":0.01,"warmupEpochs":0,"batchSize":16,"threads":1},{"epochs":6,"imageSize":28,"width":8,"learningRate":0.0003,"warmupEpochs":0,"batchSize":16,"threads":1},{"epochs":6,"imageSize":28,"width":12,"learningRate":0.005,"warmupEpochs":0,"batchSize":16,"threads":1}]""",
        "--json",
    ];

    [Fact]
    public async Task TheExampleSweep_KilledMidWayAndResumed_RerunsOnlyUnfinishedSteps_AndPicksTheSameBestModel()
    {
        string homeA = Path.Combine(root, "a"), homeB = Path.Combine(root, "b");
        var (code, stdout, stderr) = await CliProcess.RunAsync(homeA, TimeSpan.FromMinutes(6), Args);
        Assert.True(code == 0, stderr);
        using var full = JsonDocument.Parse(stdout);
        Assert.Equal("succeeded", full.RootElement.GetProperty("state").GetString());
        var outputs = full.RootElement.GetProperty("outputs");
        Assert.StartsWith("m-", outputs.GetProperty("best_model").GetString());
        double valTop1 = outputs.GetProperty("val_top1").GetDouble();
        Assert.True(valTop1 > 0.2, $"best validation top-1 {valTop1} is no better than chance (0.1) on 10 classes");

        // the same flow, killed while the second branch trains (the first branch is recorded), then resumed
        using (var p = CliProcess.Start(homeB, Args))
        {
            var deadline = DateTime.UtcNow.AddMinutes(4);
            while (true)
            {
                Assert.True(DateTime.UtcNow < deadline, "the second training never started");
                if (p.HasExited) Assert.Fail("the flow ended before it could be killed: " + await p.StandardError.ReadToEndAsync());
                if (Directory.Exists(Path.Combine(homeB, "flows")))
                {
                    using var store = new FlowRunStore(homeB);
                    var run = store.ListRuns().FirstOrDefault();
                    if (run is not null && store.FindStep(run.Id, "sweep[1].train")?.State == "running") break;
                }
                await Task.Delay(40);
            }
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        string runId;
        using (var store = new FlowRunStore(homeB))
        {
            var run = Assert.Single(store.ListRuns());
            Assert.Equal("running", run.State);   // killed: never marked finished
            runId = run.Id;
        }
        var (code2, stdout2, stderr2) = await CliProcess.RunAsync(homeB, TimeSpan.FromMinutes(6), "flow", "resume", runId, "--json");
        Assert.True(code2 == 0, stderr2);
        using var resumed = JsonDocument.Parse(stdout2);
        Assert.Equal("succeeded", resumed.RootElement.GetProperty("state").GetString());
        // data, sample, split and the first branch (train, evaluate) were reused, not run again
        Assert.True(resumed.RootElement.GetProperty("reused").GetInt32() >= 5, stdout2);
        var r = resumed.RootElement.GetProperty("outputs");
        Assert.Equal(outputs.GetProperty("best_settings").GetRawText(), r.GetProperty("best_settings").GetRawText());
        Assert.Equal(valTop1, r.GetProperty("val_top1").GetDouble(), 6);
        Assert.Equal(outputs.GetProperty("test_top1").GetDouble(), r.GetProperty("test_top1").GetDouble(), 6);

        var (code3, stdout3, _) = await CliProcess.RunAsync(homeB, TimeSpan.FromMinutes(1), "flow", "show", runId, "--json");
        Assert.Equal(0, code3);
        using var show = JsonDocument.Parse(stdout3);
        var steps = show.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(2 * 3 + 6, steps.Count);   // data, sample, split, 3 x (train, evaluate), best, test, predict
        Assert.All(steps, s => Assert.Equal("succeeded", s.GetProperty("state").GetString()));
        string card = steps.Single(s => s.GetProperty("key").GetString() == "sweep[0].train").GetProperty("card").GetString()!;
        Assert.Contains("<svg", File.ReadAllText(card));   // the training card draws its curves
    }
}
