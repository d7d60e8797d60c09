using Seer.Training.Engine;
using Seer.Training.Options;

namespace Seer.Training.Tests;

public sealed class TrainingLoopTests
{
    private static TrainingOptions Tiny(int epochs) => new()
    {
        Task = "classify", Architecture = "small-cnn", Width = 32, ImageSize = 16, Epochs = epochs, BatchSize = 8,
        LearningRate = 0.01, WeightDecay = 0, WarmupEpochs = 0, FlipProbability = 0, Translate = 0, Threads = 1, Seed = 7,
        Prefetch = 2,
    };

    [Fact]
    public void TinyModel_OverfitsTinyNoiseSet_LossNearZero()
    {
        using var dir = new TempDir();
        var data = TestData.Noise(16, 16, ["a", "b", "c", "d"], seed: 1);
        var trainer = new ClassificationTrainer(Tiny(60) with { BatchSize = 16, FinalLrFraction = 0.1 }, data.Classes);
        var result = trainer.Run(new TrainingRunContext(data, data, dir.Path) { }, CancellationToken.None);
        Assert.True(result.Curves[0].Loss > 1.0, $"first epoch loss {result.Curves[0].Loss} should be near ln 4");
        Assert.True(result.Curves[^1].Loss < 0.05, $"last epoch loss {result.Curves[^1].Loss} should be near zero");
        Assert.Equal(1.0, result.PrimaryValue);
    }

    [Fact]
    public void KilledRun_ResumedFromCheckpoint_EqualsUninterruptedRun()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var data = TestData.Colours(24, 16, seed: 3);
        var options = Tiny(4) with { FlipProbability = 0.5, Translate = 0.1 };

        var full = new ClassificationTrainer(options, data.Classes).Run(new TrainingRunContext(data, data, a.Path), CancellationToken.None);

        var killed = new ClassificationTrainer(options, data.Classes).Run(new TrainingRunContext(data, data, b.Path) { StopAfterEpochs = 2 }, CancellationToken.None);
        Assert.False(killed.Completed);
        Assert.Equal(2, killed.EpochsRun);
        var resumed = new ClassificationTrainer(options, data.Classes).Run(new TrainingRunContext(data, data, b.Path), CancellationToken.None);

        Assert.True(resumed.Completed);
        Assert.Equal(full.Curves.Select(c => c.Loss), resumed.Curves.Select(c => c.Loss));
        Assert.Equal(WeightsOf(a.Path, options, data.Classes), WeightsOf(b.Path, options, data.Classes));
    }

    [Fact]
    public void SameSeed_GivesSameWeights_OtherSeedDiffers()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        var data = TestData.Colours(16, 16, seed: 5);
        var options = Tiny(2) with { FlipProbability = 0.5, Translate = 0.1 };
        new ClassificationTrainer(options, data.Classes).Run(new TrainingRunContext(data, data, a.Path), CancellationToken.None);
        new ClassificationTrainer(options, data.Classes).Run(new TrainingRunContext(data, data, b.Path), CancellationToken.None);
        new ClassificationTrainer(options with { Seed = 8 }, data.Classes).Run(new TrainingRunContext(data, data, c.Path), CancellationToken.None);
        float[] wa = WeightsOf(a.Path, options, data.Classes);
        Assert.Equal(wa, WeightsOf(b.Path, options, data.Classes));
        Assert.NotEqual(wa, WeightsOf(c.Path, options, data.Classes));
    }

    /// <summary>All parameters of the run's final checkpoint, flattened.</summary>
    internal static float[] WeightsOf(string runDir, TrainingOptions options, IReadOnlyList<string> classes)
    {
        var trainer = new ClassificationTrainer(options, classes);
        using var model = trainer.CreateModel();
        using var optimizer = OptimizerFactory.Create(model, trainer.Options);
        Checkpoint.Load(Path.Combine(runDir, "last.ckpt"), model, optimizer);
        return model.parameters().SelectMany(p => Tensors.ToArray(p)).ToArray();
    }
}
