using Seer.Core.Errors;
using Seer.Training.Engine;
using Seer.Training.Options;
using Seer.Training.Registry;

namespace Seer.Training.Tests;

public sealed class JobAndRegistryTests
{
    private static TrainingOptions Base => new()
    {
        Task = "classify", Architecture = "small-cnn", Width = 32, ImageSize = 16, Epochs = 3, BatchSize = 8,
        LearningRate = 0.01, WarmupEpochs = 0, FlipProbability = 0, Translate = 0, Threads = 1, Seed = 11,
    };

    [Fact]
    public void BestOfN_KeepsTheSetWithTheBestValidationMetric()
    {
        using var home = new TempDir();
        var train = TestData.Colours(30, 16, seed: 1, name: "train");
        var val = TestData.Colours(15, 16, seed: 2, name: "val");
        var registry = new FileModelRegistry(home.Path);
        var sets = new[]
        {
            new ParameterSet(Base with { LearningRate = 1e-7 }, "frozen.json"),
            new ParameterSet(Base, "good.json"),
            new ParameterSet(Base with { LearningRate = 2e-7 }, "frozen2.json"),
        };
        ModelRecord model = new TrainingJob(registry).Run(new TrainingJobRequest(train, val, sets), null, CancellationToken.None);

        Assert.Equal("ready", model.Status);
        Assert.Equal(3, model.Candidates.Count);
        double best = model.Candidates.Max(c => c.PrimaryValue);
        Assert.Equal("good.json", model.Candidates.Single(c => c.PrimaryValue == best).Source);
        Assert.Equal(0.01, model.Parameters.LearningRate);
        Assert.Equal(best, model.PrimaryValue);
        Assert.True(model.PrimaryValue > model.Candidates[0].PrimaryValue);
        Assert.Equal("train@1", model.TrainDataset);
        Assert.Equal(3, model.Curves.Count);
        Assert.True(File.Exists(registry.WeightsPath(model)));

        var reread = new FileModelRegistry(home.Path).Get(model.Id[..12]);
        Assert.Equal(model.Id, reread.Id);
        Assert.Equal(["red", "green", "blue"], reread.Classes);
        Assert.Single(registry.List());

        // Stored metrics are Seer.Evaluation's keys; the curves use lower-case keys.
        foreach (string key in new[] { "top1", "top5", "macro_f1", "per_class", "confusion_matrix", "samples" })
            Assert.True(reread.Metrics.ContainsKey(key), $"model.json metrics lack {key}");
        string curves = System.Text.Json.JsonSerializer.Serialize(reread.Curves);
        Assert.Contains("\"epoch\":1", curves, StringComparison.Ordinal);
        Assert.Contains("\"lr\":", curves, StringComparison.Ordinal);
        Assert.Contains("\"metric\":", curves, StringComparison.Ordinal);
        Assert.Equal(model.Curves[^1].ValMetric, reread.Curves[^1].ValMetric);
    }

    [Fact]
    public void Transfer_StartsFromParentWeights_AndRecordsParent()
    {
        using var home = new TempDir();
        var train = TestData.Colours(30, 16, seed: 1, name: "train");
        var registry = new FileModelRegistry(home.Path);
        var job = new TrainingJob(registry);
        ModelRecord parent = job.Run(new TrainingJobRequest(train, train, [new ParameterSet(Base)]), null, CancellationToken.None);
        ModelRecord child = job.Run(new TrainingJobRequest(train, train, [new ParameterSet(Base with { Epochs = 1, LearningRate = 1e-7, WarmupEpochs = 0 })])
        {
            Parent = parent.Id,
        }, null, CancellationToken.None);
        ModelRecord fresh = job.Run(new TrainingJobRequest(train, train, [new ParameterSet(Base with { Epochs = 1, LearningRate = 1e-7, WarmupEpochs = 0 })]),
            null, CancellationToken.None);
        Assert.Equal(parent.Id, child.Parent);
        Assert.Null(fresh.Parent);
        // with a negligible learning rate the child's loss is the parent's trained loss, far below a fresh start's
        Assert.True(child.Curves[0].Loss < fresh.Curves[0].Loss * 0.7, $"child loss {child.Curves[0].Loss} vs fresh {fresh.Curves[0].Loss}");
    }

    [Fact]
    public void Registry_UnknownModel_IsNotFound()
    {
        using var home = new TempDir();
        var ex = Assert.Throws<SeerException>(() => new FileModelRegistry(home.Path).Get("m-nope"));
        Assert.Equal(ErrorCodes.NotFound, ex.Code);
    }

    [Fact]
    public void Validator_NamesSettingValueAndFix()
    {
        var ex = Assert.Throws<SeerException>(() => TrainingOptionsValidator.Validate(TrainingOptionsLoader.WithTaskDefaults(Base with { BatchSize = 0 })));
        Assert.Equal("TrainingOptions.BatchSize must be > 0 (was 0); set --batch or \"batchSize\" in a params file", ex.Message);
    }

    [Fact]
    public void Mixup_IsRefusedOutsideClassification()
    {
        var ex = Assert.Throws<SeerException>(() => TrainingOptionsValidator.Validate(
            TrainingOptionsLoader.WithTaskDefaults(Base with { Task = "detect", Architecture = "fcos-lite", ImageSize = 128, Mixup = 0.2 })));
        Assert.Contains("Mixup", ex.Message);
        Assert.Contains("mixup is for classify", ex.Message);
        TrainingOptionsValidator.Validate(TrainingOptionsLoader.WithTaskDefaults(Base with { Task = "classify", Mixup = 0.2 }));
    }

    [Fact]
    public void ParamsFile_UnknownSetting_IsRejectedWithItsName()
    {
        var ex = Assert.Throws<SeerException>(() => TrainingOptionsLoader.Apply(Base, "{\"learningRat\": 0.1}", "p.json"));
        Assert.Contains("unknown setting 'learningRat'", ex.Message);
        var applied = TrainingOptionsLoader.Apply(Base, "{\"learningRate\": 0.1, \"sampling\": \"balanced\"}", "p.json");
        Assert.Equal(0.1, applied.LearningRate);
        Assert.Equal("balanced", applied.Sampling);
    }
}
