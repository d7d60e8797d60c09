using System.Text.Json;
using Seer.Workflows.Runs;

namespace Seer.Cli.Tests;

/// <summary>
/// The repository's example executor (examples/executors/torch-classifier, Debian's python3-torch) through YMIR's
/// contract in <c>seer flow run examples/flows/executor.yaml</c> on real Fashion-MNIST images: it trains, its
/// monitor.txt progress reaches the step's log, the best stage of result.yaml becomes a registered external model
/// carrying that stage's mAP, and the model is evaluated and predicts through ONNX Runtime with <c>seer model eval</c>
/// and <c>seer predict</c>.
/// </summary>
public sealed class ExecutorCliTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "seer-execcli-" + Guid.NewGuid().ToString("N"));

    public ExecutorCliTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task TheExampleExecutor_TrainsThroughTheYmirContract_AndItsBestStageIsAnExternalModelThatEvaluatesAndPredicts()
    {
        string home = Path.Combine(root, "home");
        string source = Seer.Tests.Shared.FashionSubset.Write(root, 400);   // the first 400 t10k images (import of all 10,000 is not the point here)
        // without --json the step log (monitor.txt's states and the executor's own lines) goes to stderr
        var (code, _, log) = await CliProcess.RunAsync(home, TimeSpan.FromMinutes(4),
            "flow", "run", "examples/flows/executor.yaml", "--param", "source=" + source, "--param", "images=300");
        Assert.True(code == 0, log);
        // monitor.txt's final state always reaches the log (read once more after the executor exits); "running" is
        // polled every 200 ms and a fast machine trains these 300 images between two polls, so it is not asserted.
        Assert.Contains("train: monitor: done 1", log);
        Assert.Contains("val top-1", log);   // the executor's stdout reaches the step log

        string runId;
        JsonElement outputs;
        using (var store = new FlowRunStore(home))
        {
            var run = Assert.Single(store.ListRuns());
            Assert.Equal("succeeded", run.State);
            runId = run.Id;
            outputs = JsonDocument.Parse(run.Outputs!.ToJsonString()).RootElement.Clone();
        }
        string model = outputs.GetProperty("model").GetString()!;
        double mAP = outputs.GetProperty("mAP").GetDouble();
        Assert.StartsWith("m-", model);
        Assert.True(mAP > 0.2, $"the best stage's validation top-1 {mAP} is no better than chance (0.1) on 10 classes");
        Assert.Equal(10, outputs.GetProperty("most_uncertain").GetArrayLength());   // mining through the contract too: the 10 highest scores

        // the registered model: external, its metric is the best stage's mAP from result.yaml
        var (c1, list, e1) = await CliProcess.RunAsync(home, TimeSpan.FromMinutes(1), "model", "list", "--json");
        Assert.True(c1 == 0, e1);
        var entry = JsonDocument.Parse(list).RootElement.EnumerateArray().Single(m => m.GetProperty("model").GetString() == model);
        Assert.Equal("external", entry.GetProperty("architecture").GetString());
        Assert.Equal("mAP", entry.GetProperty("primary_metric").GetString());
        Assert.Equal(mAP, entry.GetProperty("value").GetDouble(), 9);
        string resultYaml = Directory.GetFiles(Path.Combine(home, "flows", runId), "result.yaml", SearchOption.AllDirectories).Single();
        string stage = outputs.GetProperty("stage").GetString()!;
        Assert.Contains($"best_stage_name: {stage}", File.ReadAllText(resultYaml));

        // seer model eval runs the external ONNX: the same top-1 the flow's evaluate step recorded
        var (c2, eval, e2) = await CliProcess.RunAsync(home, TimeSpan.FromMinutes(1), "model", "eval", model, "ex-test", "--json");
        Assert.True(c2 == 0, e2);
        double top1 = JsonDocument.Parse(eval).RootElement.GetProperty("top1").GetDouble();
        Assert.Equal(outputs.GetProperty("test_top1").GetDouble(), top1, 9);
        Assert.True(top1 > 0.2, $"test top-1 {top1}");

        // seer predict with the registry id: a class of the model for a real image of the test part
        string png = Directory.GetFiles(Path.Combine(home, "flows", runId), "*.png", SearchOption.AllDirectories).First();
        var (c3, predicted, e3) = await CliProcess.RunAsync(home, TimeSpan.FromMinutes(1), "predict", model, png, "--json");
        Assert.True(c3 == 0, e3);
        var first = JsonDocument.Parse(predicted).RootElement.EnumerateArray().First();
        Assert.Contains(first.GetProperty("category_name").GetString(),
            new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" });
        Assert.InRange(first.GetProperty("score").GetDouble(), 0.1, 1.0);

        // the step's card shows every stage of result.yaml
        var (c4, show, e4) = await CliProcess.RunAsync(home, TimeSpan.FromMinutes(1), "flow", "show", runId, "--json");
        Assert.True(c4 == 0, e4);
        var train = JsonDocument.Parse(show).RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "train");
        string card = File.ReadAllText(train.GetProperty("card").GetString()!);
        Assert.Contains("epoch_1", card);
        Assert.Contains("epoch_3", card);
        Assert.Contains(model, card);
    }
}
