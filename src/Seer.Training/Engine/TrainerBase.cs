using System.Diagnostics;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Training.Data;
using Seer.Training.Models;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Owns the training loop for every task: seeding, the model and optimizer, warm-up + cosine schedule, the epoch
/// loop over prefetched batches (each step inside a dispose scope), validation, best-weights tracking, early stopping
/// and a checkpoint after every epoch (resume continues exactly where it stopped). Tasks override small hooks:
/// preparing samples, building a batch on a worker, the loss, and evaluation (the same code path as standalone
/// evaluation).
/// </summary>
public abstract class TrainerBase
{
    protected TrainerBase(TrainingOptions options, IReadOnlyList<string> classes)
    {
        Options = TrainingOptionsLoader.WithTaskDefaults(options);
        TrainingOptionsValidator.Validate(Options);
        Classes = classes;
        if (classes.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, "the training dataset declares no classes; label it first");
    }

    public TrainingOptions Options { get; }
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Name of the validation metric that picks the best epoch and the best parameter set (higher is better).</summary>
    public abstract string PrimaryMetric { get; }

    /// <summary>Creates the task's network for the configured architecture.</summary>
    public nn.Module<Tensor, Tensor> CreateModel() => ArchitectureRegistry.Create(Options.Architecture, Classes.Count, Options);

    /// <summary>Reads the training set into samples; returns the class of each sample (for balanced sampling).</summary>
    protected abstract IReadOnlyList<int> PrepareTrainingSamples(DatasetSnapshot train);

    /// <summary>Decodes and augments the given samples into a CPU batch (runs on a worker thread).</summary>
    protected abstract ITrainBatch BuildBatch(ReadOnlySpan<int> samples, int epoch, int batchIndex);

    /// <summary>The order of training samples in an epoch (consecutive runs of the batch size are the batches).</summary>
    protected virtual int[] EpochOrder(IReadOnlyList<int> sampleClasses, int epoch, int batchSize) =>
        EpochSampler.Order(sampleClasses, Options.Sampling, Options.Seed, epoch);

    /// <summary>The scalar loss of a batch (the caller runs backward inside its dispose scope).</summary>
    protected abstract Tensor ComputeLoss(nn.Module<Tensor, Tensor> model, ITrainBatch batch, Device device);

    /// <summary>Evaluates a model on a dataset: the task's metric keys (validation and `seer model eval` share it).</summary>
    public abstract Dictionary<string, object> Evaluate(nn.Module<Tensor, Tensor> model, DatasetSnapshot data, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken);

    public TrainingRunResult Run(TrainingRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TrainingOptions o = Options;
        Device device = TorchSetup.Prepare(o);
        Directory.CreateDirectory(context.RunDirectory);
        string checkpointPath = Path.Combine(context.RunDirectory, "last.ckpt");
        string bestPath = Path.Combine(context.RunDirectory, "best.weights");
        File.WriteAllText(Path.Combine(context.RunDirectory, "settings.json"), TrainingOptionsLoader.ToJson(o));

        IReadOnlyList<int> sampleClasses = PrepareTrainingSamples(context.Train);
        int n = sampleClasses.Count;
        if (n == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"training set {context.Train} has no labelled images for task {o.Task}");
        int batchSize = Math.Min(o.BatchSize, n);
        // every step has a full batch (the remainder is dropped; the epoch's shuffle decides which): one input shape
        // for the whole run, and libtorch 2.10's CPU convolution backward gave NaN weight gradients for a smaller last batch
        int steps = n / batchSize;
        if (o.MaxBatchesPerEpoch > 0) steps = Math.Min(steps, o.MaxBatchesPerEpoch);
        long totalSteps = (long)steps * o.Epochs;
        long warmupSteps = (long)Math.Round(o.WarmupEpochs * steps);

        using nn.Module<Tensor, Tensor> model = TorchSetup.CreateSeeded(o.Seed, CreateModel);
        if (context.Init is not null) WeightTransfer.Apply(context.Init, model, Options);
        model.to(device);
        using IStepOptimizer optimizer = OptimizerFactory.Create(model, o);

        var state = new RunState { OptionsJson = TrainingOptionsLoader.ToJson(o) };
        if (context.Resume && File.Exists(checkpointPath))
        {
            state = Checkpoint.Load(checkpointPath, model, optimizer);
            if (state.OptionsJson != TrainingOptionsLoader.ToJson(o))
                throw new SeerException(ErrorCodes.Conflict,
                    $"checkpoint '{checkpointPath}' was made with other settings; resume with the same settings or use a new run folder", checkpointPath);
        }

        int epochsThisCall = 0;
        for (int epoch = state.NextEpoch; epoch < o.Epochs && !state.Stopped; epoch++)
        {
            if (context.StopAfterEpochs is int stop && epochsThisCall >= stop) break;
            var clock = Stopwatch.StartNew();
            model.train();
            int[] order = EpochOrder(sampleClasses, epoch, batchSize);
            double lossSum = 0;
            int lossCount = 0;
            double lr = 0;
            long step = state.GlobalStep;
            int e = epoch;
            foreach (ITrainBatch batch in Prefetcher.Run(steps,
                         b => BuildBatch(order.AsSpan(b * batchSize, batchSize), e, b),
                         o.Prefetch, cancellationToken))
            {
                using var scope = NewDisposeScope();
                lr = LearningRateSchedule.At(step, warmupSteps, totalSteps, o.LearningRate, o.FinalLrFraction);
                optimizer.ZeroGrad();
                Tensor loss = ComputeLoss(model, batch, device);
                loss.backward();
                optimizer.Step(lr);
                float value = loss.ToSingle();
                if (!float.IsFinite(value))
                    throw new SeerException(ErrorCodes.InvalidOptions,
                        $"training diverged at epoch {epoch + 1} step {step - state.GlobalStep + 1} (loss {value}); lower TrainingOptions.LearningRate (was {o.LearningRate})");
                lossSum += value;
                lossCount++;
                step++;
                context.Progress?.Report(new WorkProgress($"epoch {epoch + 1}/{o.Epochs}", lossCount, steps,
                    $"loss {lossSum / lossCount:0.0000} lr {lr:0.#####}"));
            }

            double? metric = null;
            Dictionary<string, object>? metrics = null;
            if ((epoch + 1) % o.EvalEvery == 0 || epoch + 1 == o.Epochs)
            {
                metrics = Evaluate(model, context.Val, device, null, cancellationToken);
                metric = Convert.ToDouble(metrics[PrimaryMetric], System.Globalization.CultureInfo.InvariantCulture);
            }
            var curves = new List<EpochRecord>(state.Curves)
            {
                new(epoch + 1, lossCount > 0 ? lossSum / lossCount : double.NaN, lr, metric, clock.Elapsed.TotalSeconds),
            };
            state = state with { NextEpoch = epoch + 1, GlobalStep = step, Curves = curves };
            if (metric is double m)
            {
                if (m > state.BestMetric)
                {
                    Checkpoint.SaveWeights(bestPath, model);
                    state = state with { BestMetric = m, BestEpoch = epoch + 1, BestMetrics = metrics, EpochsWithoutImprovement = 0 };
                }
                else
                {
                    state = state with { EpochsWithoutImprovement = state.EpochsWithoutImprovement + 1 };
                    if (o.Patience > 0 && state.EpochsWithoutImprovement >= o.Patience) state = state with { Stopped = true };
                }
            }
            Checkpoint.Save(checkpointPath, state, model, optimizer);
            AppendEpochLog(Path.Combine(context.RunDirectory, "epochs.jsonl"), curves[^1], metrics);
            epochsThisCall++;
            context.Progress?.Report(new WorkProgress($"epoch {epoch + 1}/{o.Epochs}", steps, steps,
                $"loss {curves[^1].Loss:0.0000} {PrimaryMetric} {metric:0.0000}"));
        }

        bool completed = state.Stopped || state.NextEpoch >= o.Epochs;
        return new TrainingRunResult(PrimaryMetric, state.BestMetric, state.BestEpoch, state.NextEpoch, state.Stopped,
            completed, state.BestMetrics ?? [], state.Curves, bestPath);
    }

    /// <summary>One JSON line per finished epoch (epoch, loss, lr, seconds and every scalar validation metric) to follow a run live.</summary>
    private static void AppendEpochLog(string path, EpochRecord record, Dictionary<string, object>? metrics)
    {
        var line = new Dictionary<string, object?> { ["epoch"] = record.Epoch, ["loss"] = record.Loss, ["lr"] = record.LearningRate, ["seconds"] = record.Seconds, ["cpu_seconds"] = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds };
        foreach (var (key, value) in metrics ?? []) if (value is double or float or int or long) line[key] = value;
        File.AppendAllText(path, System.Text.Json.JsonSerializer.Serialize(line) + "\n");
    }
}
