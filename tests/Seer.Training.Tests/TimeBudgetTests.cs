using Seer.Training.Engine;
using Seer.Training.Options;
using TorchSharp;

namespace Seer.Training.Tests;

public sealed class TimeBudgetTests
{
    [Fact]
    public void Plan_FitsTheRemainingEpochsIntoTheBudget_WithinTheUpperBound()
    {
        var budget = new TimeBudget(minutes: 1, maxEpochs: 300);
        Assert.Equal(300, budget.Plan(0, 0, 0)); // nothing measured yet
        Assert.Equal(6, budget.Plan(1, 10, 10)); // 10 s per epoch, 50 s left → 5 more
        Assert.Equal(2, budget.Plan(2, 40, 45)); // over budget after 2 → no more
        Assert.Equal(12, new TimeBudget(1, 12).Plan(1, 1, 1)); // the upper bound
        Assert.False(new TimeBudget(0, 10).Active);
    }

    [Fact]
    public void ShortBudget_IsRespectedWithin10Percent_AndTheBestEpochIsKept()
    {
        using var dir = new TempDir();
        var train = TestData.Colours(32, 16, seed: 21);
        var val = TestData.Colours(12, 16, seed: 22, name: "val");
        const double minutes = 0.2; // 12 s
        var options = new TrainingOptions
        {
            Task = "classify", Architecture = "small-cnn", Width = 8, ImageSize = 16, Epochs = 100_000, BatchSize = 8,
            LearningRate = 0.01, Threads = 1, Seed = 3, TimeMinutes = minutes, WarmupEpochs = 1,
        };
        var trainer = new ClassificationTrainer(options, train.Classes);
        var result = trainer.Run(new TrainingRunContext(train, val, dir.Path), CancellationToken.None);

        Assert.True(result.Completed);
        Assert.True(result.WallSeconds <= minutes * 60 * 1.1, $"{result.WallSeconds:0.0} s for a {minutes * 60} s budget");
        Assert.True(result.WallSeconds >= minutes * 60 * 0.9, $"{result.WallSeconds:0.0} s used of a {minutes * 60} s budget");
        // the budget, not the upper bound, decides (a single-thread epoch of 32 tiny images takes about 10 ms, so the
        // bound is far above what 12 s hold)
        Assert.True(result.PlannedEpochs > 1 && result.PlannedEpochs < 100_000, $"planned {result.PlannedEpochs}");
        Assert.Equal(result.PlannedEpochs, result.EpochsRun);
        // every epoch was validated; the kept weights are the best epoch's (the first best)
        Assert.All(result.Curves, c => Assert.NotNull(c.ValMetric));
        double best = result.Curves.Max(c => c.ValMetric!.Value);
        Assert.Equal(result.Curves.First(c => c.ValMetric == best).Epoch, result.BestEpoch);
        Assert.Equal(best, result.PrimaryValue);
        using var model = trainer.CreateModel();
        Checkpoint.LoadWeights(result.BestWeightsPath, model);
        double again = Convert.ToDouble(trainer.Evaluate(model, val, torch.CPU, null, CancellationToken.None)["top1"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(best, again, 6);
    }
}
