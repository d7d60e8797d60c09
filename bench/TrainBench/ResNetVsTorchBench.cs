using System.Diagnostics;
using System.Globalization;
using Seer.Core.Progress;
using Seer.Training.Engine;
using Seer.Training.Options;

namespace TrainBench;

/// <summary>
/// Training images/s of the same ResNet-18 (Seer's <c>resnet18</c>: CIFAR stem at 64 px, widths 64..512) at 3×64×64,
/// batch 32: Seer's real loop (ClassificationTrainer over an in-memory snapshot of Fashion-MNIST PNGs, decoded,
/// resized to 64 and augmented on the prefetch workers; AdamW) beside PyTorch 1.13 (bench/TrainBench/peer_torch.py:
/// the same layers, AdamW, a DataLoader over the same images with the same augmentations) with the same thread count,
/// in one run. Only optimisation steps after the warm-up are timed.
/// </summary>
internal static class ResNetVsTorchBench
{
    public static int Run(string root, IReadOnlyDictionary<string, string> overrides)
    {
        int Get(string key, int fallback) => overrides.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int threads = Get("threads", Environment.ProcessorCount), warmup = Get("warmup", 5), steps = Get("steps", 20), rounds = Get("rounds", 3);
        const int batch = 32, size = 64;
        string dir = Path.Combine(root, ".data", "fashion-mnist");
        int count = (warmup + steps) * batch;
        var train = IdxSnapshot.Load(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"), "fashion-train", count);
        var val = IdxSnapshot.Load(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), "fashion-test", batch);
        Console.WriteLine($"ResNet-18 3x{size}x{size} batch {batch}, {threads} threads, {warmup} warm-up + {steps} timed steps; load avg {LoadAverage()}");
        var seerRates = new List<double>();
        var torchRates = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            double seer = Seer(train, val, threads, warmup, steps, batch, size);
            seerRates.Add(seer);
            Console.WriteLine($"  Seer (TorchSharp, ClassificationTrainer loop): {seer,7:0.00} images/s");
            double torch = Torch(root, dir, threads, warmup, steps, batch, size);
            torchRates.Add(torch);
            Console.WriteLine($"  PyTorch 1.13 (DataLoader, torch.optim.AdamW):   {torch,7:0.00} images/s");
        }
        double s = seerRates.Max(), t = torchRates.Max();
        Console.WriteLine($"resnet18 training: Seer {s:0.00} images/s, PyTorch {t:0.00} images/s, ratio {s / t:0.00}x (best of {rounds}); load avg {LoadAverage()}");
        // the machine is shared: rounds alternate, so a slow spell hits both sides; the median ratio says the same as the best
        double ms = Median(seerRates), mt = Median(torchRates);
        Console.WriteLine($"median of {rounds}: Seer {ms:0.00}, PyTorch {mt:0.00} images/s, ratio {ms / mt:0.00}x; " +
            $"rounds won by Seer {seerRates.Zip(torchRates).Count(p => p.First > p.Second)} of {rounds}");
        return 0;
    }

    private static double Seer(Seer.Core.Datasets.DatasetSnapshot train, Seer.Core.Datasets.DatasetSnapshot val, int threads,
        int warmup, int steps, int batch, int size)
    {
        var options = new TrainingOptions
        {
            Task = "classify", Architecture = "resnet18", ImageSize = size, BatchSize = batch, Epochs = 1,
            MaxBatchesPerEpoch = warmup + steps, Threads = threads, Prefetch = 2, WarmupEpochs = 0,
        };
        var trainer = new ClassificationTrainer(options, train.Classes);
        string runDir = Path.Combine(Path.GetTempPath(), "seer-resnet-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var clock = new StepClock(warmup, warmup + steps);
        try
        {
            trainer.Run(new TrainingRunContext(train, val, runDir) { Progress = clock }, CancellationToken.None);
        }
        finally
        {
            if (Directory.Exists(runDir)) Directory.Delete(runDir, true);
        }
        return steps * batch / clock.Elapsed.TotalSeconds;
    }

    private static double Torch(string root, string dir, int threads, int warmup, int steps, int batch, int size)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[]
                 {
                     Path.Combine(root, "bench", "TrainBench", "peer_torch.py"), "--data", dir, "--threads", threads.ToString(CultureInfo.InvariantCulture),
                     "--warmup", warmup.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture),
                     "--batch", batch.ToString(CultureInfo.InvariantCulture), "--size", size.ToString(CultureInfo.InvariantCulture),
                 })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("images_per_second=", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"peer_torch.py failed (exit {process.ExitCode}): {output}\n{stderr.Result}\n" +
                "install PyTorch with: sudo apt-get install python3-torch");
        return double.Parse(line["images_per_second=".Length..], CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>Times training steps from progress reports (one per finished step, on the training thread).</summary>
    private sealed class StepClock(int from, int to) : IProgress<WorkProgress>
    {
        private readonly Stopwatch watch = new();

        public TimeSpan Elapsed { get; private set; }

        public void Report(WorkProgress value)
        {
            if (!value.Stage.StartsWith("epoch", StringComparison.Ordinal) || value.Done == value.Total && value.Message?.Contains("top1", StringComparison.Ordinal) == true) return;
            if (value.Done == from) watch.Restart();
            else if (value.Done == to && watch.IsRunning)
            {
                Elapsed = watch.Elapsed;
                watch.Stop();
            }
        }
    }
}
