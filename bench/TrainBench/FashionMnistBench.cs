using System.Diagnostics;
using Seer.Core.Progress;
using Seer.Training.Engine;
using Seer.Training.Options;

namespace TrainBench;

/// <summary>Trains the small CNN from scratch on Fashion-MNIST and prints the test accuracy curve and wall time.</summary>
internal static class FashionMnistBench
{
    public static int Run(string root, IReadOnlyDictionary<string, string> overrides)
    {
        string dir = Path.Combine(root, ".data", "fashion-mnist");
        var wall = Stopwatch.StartNew();
        var train = IdxSnapshot.Load(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"), "fashion-train");
        var test = IdxSnapshot.Load(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), "fashion-test");
        Console.WriteLine($"loaded {train.Images.Count} + {test.Images.Count} images in {wall.Elapsed.TotalSeconds:0.0}s");
        var options = BenchOptions.Apply(new TrainingOptions
        {
            Task = "classify", Architecture = "small-cnn", Width = 32, ImageSize = 28, Epochs = 6, BatchSize = 128,
            LearningRate = 3e-3, WeightDecay = 5e-4, WarmupEpochs = 0.3, Translate = 0.1, FlipProbability = 0.5,
            Threads = Environment.ProcessorCount, Prefetch = 2,
        }, overrides);
        var trainer = new ClassificationTrainer(options, train.Classes);
        string runDir = Path.Combine(Path.GetTempPath(), "seer-fashion-" + Guid.NewGuid().ToString("N")[..8]);
        var progress = new Progress<WorkProgress>(p =>
        {
            if (p.Done == p.Total && p.Message is { } m && m.Contains("top1")) Console.WriteLine($"{p.Stage}: {m} ({wall.Elapsed.TotalSeconds:0}s)");
        });
        var result = trainer.Run(new TrainingRunContext(train, test, runDir) { Progress = new SyncProgress(progress) }, CancellationToken.None);
        wall.Stop();
        Console.WriteLine("epoch  loss    lr        test_top1  seconds");
        foreach (var e in result.Curves)
            Console.WriteLine($"{e.Epoch,5}  {e.Loss:0.0000}  {e.LearningRate:0.000000}  {e.ValMetric:0.0000}     {e.Seconds:0.0}");
        double last = result.Curves[^1].ValMetric ?? double.NaN;
        Console.WriteLine($"fashion-mnist small-cnn: test top1 last epoch {last:0.0000}, best {result.PrimaryValue:0.0000} (epoch {result.BestEpoch}); wall {wall.Elapsed.TotalSeconds:0}s incl. loading; load avg {File.ReadAllText("/proc/loadavg").Trim()}");
        Directory.Delete(runDir, true);
        return 0;
    }
}

/// <summary>Reports progress synchronously on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress(Progress<WorkProgress> inner) : IProgress<WorkProgress>
{
    public void Report(WorkProgress value) => ((IProgress<WorkProgress>)inner).Report(value);
}
