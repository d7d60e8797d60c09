using Seer.Training.Engine;
using Seer.Training.Options;

namespace Seer.Training.Tests;

public sealed class DetectionTests
{
    [Fact]
    public void TinyDetector_LearnsColouredSquares()
    {
        using var dir = new TempDir();
        var data = TestData.Squares(24, 64, seed: 4);
        var options = new TrainingOptions
        {
            Task = "detect", Architecture = "fcos-lite", Width = 32, ImageSize = 64, Epochs = 30, BatchSize = 8,
            LearningRate = 0.004, WarmupEpochs = 1, Translate = 0, FlipProbability = 0.5, Threads = 1, Seed = 3, EvalEvery = 10,
        };
        var trainer = new DetectionTrainer(options, data.Classes);
        var result = trainer.Run(new TrainingRunContext(data, data, dir.Path), CancellationToken.None);
        Assert.True(result.Curves[^1].Loss < result.Curves[0].Loss / 2, $"loss {result.Curves[0].Loss} -> {result.Curves[^1].Loss}");
        Assert.True((double)result.Metrics["AP50"] > 0.5, $"AP50 {result.Metrics["AP50"]} on the training images");
        Assert.Contains("AP75", result.Metrics.Keys);
    }
}
