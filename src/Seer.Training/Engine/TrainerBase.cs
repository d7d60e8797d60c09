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
        // checked here, on the resolved settings: a params file may leave the architecture and weights to the advisor
        if (Options.BackboneFreezeEpochs > 0 && Options.Pretrained.Length == 0)
            throw new SeerException(ErrorCodes.InvalidOptions,
                $"backboneFreezeEpochs {Options.BackboneFreezeEpochs} needs pretrained weights: {Options.Architecture} trains from scratch here, " +
                "so there is no backbone to freeze (set pretrained, or leave backboneFreezeEpochs at 0)");
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

    /// <summary>Task settings in force at the end of an epoch, added to its line of <c>epochs.jsonl</c> (none by default).</summary>
    protected virtual IEnumerable<KeyValuePair<string, double>> EpochLogExtras(long globalStep) => [];

    /// <summary>Evaluates a model on a dataset: the task's metric keys (validation and `seer model eval` share it).</summary>
    public abstract Dictionary<string, object> Evaluate(nn.Module<Tensor, Tensor> model, DatasetSnapshot data, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken);

    public TrainingRunResult Run(TrainingRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TrainingOptions o = Options;
        var wall = Stopwatch.StartNew();
        var budget = new TimeBudget(o.TimeMinutes, o.Epochs);
        Device device = TorchSetup.Prepare(o);
        Directory.CreateDirectory(context.RunDirectory);
        string checkpointPath = Path.Combine(context.RunDirectory, "last.ckpt");
        string bestPath = Path.Combine(context.RunDirectory, "best.weights");
        File.WriteAllText(Path.Combine(context.RunDirectory, "settings.json"), TrainingOptionsLoader.ToJson(o));

        // a remote blob store copies the images to this machine first, many at a time, instead of one read per
        // image in the first epoch and in the first validation
        foreach (var data in new[] { context.Train, context.Val }.Distinct())
            data.Blobs.Stage(data.Images.Select(i => i.ContentHash).ToList(), cancellationToken);
        IReadOnlyList<int> sampleClasses = PrepareTrainingSamples(context.Train);
        int n = sampleClasses.Count;
        if (n == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"training set {context.Train} has no labelled images for task {o.Task}");
        int batchSize = Math.Min(o.BatchSize, n);
        // every step has a full batch (the remainder is dropped; the epoch's shuffle decides which): one input shape
        // for the whole run, and libtorch 2.10's CPU convolution backward gave NaN weight gradients for a smaller last batch
        int steps = n / batchSize;
        if (o.MaxBatchesPerEpoch > 0) steps = Math.Min(steps, o.MaxBatchesPerEpoch);
        // with a time budget the plan starts at the upper bound and is re-planned after every epoch (TimeBudget)
        int planned = o.Epochs;
        double WarmupFor(int epochs) => budget.Active ? Math.Min(o.WarmupEpochs, Math.Max(0.25, epochs / 5.0)) : o.WarmupEpochs;
        long totalSteps = (long)steps * planned;
        long warmupSteps = (long)Math.Round(WarmupFor(planned) * steps);

        using nn.Module<Tensor, Tensor> model = TorchSetup.CreateSeeded(o.Seed, CreateModel);
        if (context.Init is not null) WeightTransfer.Apply(context.Init, model, Options);
        else if (o.Pretrained.Length > 0) PretrainedWeights.Apply(PretrainedWeights.Resolve(o.Pretrained, context.PretrainedDirectory), model);
        model.to(device);
        using IStepOptimizer optimizer = OptimizerFactory.Create(model, o);
        // LP-FT (BackboneFreezeEpochs): the backbone's trainable parameters (FreezeStem's stay frozen) get no gradient
        // for the first epochs, so the backward pass stops at the new layers; they train from then on
        var freezable = o.Pretrained.Length > 0 && o.BackboneFreezeEpochs > 0 && model is Models.IBackboneModel backbone
            ? model.named_parameters().Where(p => backbone.InBackbone(p.name) && p.parameter.requires_grad).Select(p => p.parameter).ToList()
            : [];

        var state = new RunState { OptionsJson = TrainingOptionsLoader.ToJson(o) };
        if (context.Resume && File.Exists(checkpointPath))
        {
            state = Checkpoint.Load(checkpointPath, model, optimizer);
            if (state.OptionsJson != TrainingOptionsLoader.ToJson(o))
                throw new SeerException(ErrorCodes.Conflict,
                    $"checkpoint '{checkpointPath}' was made with other settings; resume with the same settings or use a new run folder", checkpointPath);
            if (state.PlannedEpochs > 0) planned = state.PlannedEpochs;
        }
        if (budget.Active && state.NextEpoch == 0)
        {
            // provisional plan until the first steps are timed
            planned = Math.Min(o.Epochs, 10);
            totalSteps = (long)steps * planned;
            warmupSteps = (long)Math.Round(WarmupFor(planned) * steps);
        }
        double epochSecondsSum = state.Curves.Sum(c => c.Seconds);
        // the validation that ends a cut-short epoch must fit too: reserved from the measured step time (a forward
        // pass over the validation set, about 0.4 of a training step per batch), then from the measured evaluations
        double evalReserve = 0;

        int epochsThisCall = 0;
        for (int epoch = state.NextEpoch; epoch < planned && !state.Stopped; epoch++)
        {
            if (context.StopAfterEpochs is int stop && epochsThisCall >= stop) break;
            var clock = Stopwatch.StartNew();
            model.train();
            foreach (var p in freezable) p.requires_grad = epoch >= o.BackboneFreezeEpochs;
            int[] order = EpochOrder(sampleClasses, epoch, batchSize);
            double lossSum = 0;
            int lossCount = 0;
            double lr = 0;
            long step = state.GlobalStep;
            int e = epoch;
            bool budgetSpent = false;
            foreach (ITrainBatch batch in Prefetcher.Run(steps,
                         b => BuildBatch(order.AsSpan(b * batchSize, batchSize), e, b),
                         o.PrefetchDepth, cancellationToken))
            {
                if (budget.Spent(wall.Elapsed.TotalSeconds + evalReserve) && lossCount > 0) { budgetSpent = true; break; }
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
                if (budget.Active && epoch == state.NextEpoch && lossCount == Math.Min(4, steps) && evalReserve == 0)
                    evalReserve = clock.Elapsed.TotalSeconds / lossCount * 0.4 * Math.Ceiling(context.Val.Images.Count / (double)batchSize);
                if (budget.Active && epoch == 0 && lossCount == Math.Min(8, steps) && steps > lossCount)
                {
                    // first plan: the epoch's time estimated from its first steps (decoding into the cache included, so
                    // it errs long), plus 15% for validation; re-planned after every epoch
                    double epochEstimate = clock.Elapsed.TotalSeconds / lossCount * steps * 1.15;
                    planned = Math.Clamp((int)((budget.Seconds - wall.Elapsed.TotalSeconds + clock.Elapsed.TotalSeconds) / epochEstimate), 1, o.Epochs);
                    totalSteps = (long)steps * planned;
                    warmupSteps = (long)Math.Round(WarmupFor(planned) * steps);
                }
                context.Progress?.Report(new WorkProgress($"epoch {epoch + 1}/{planned}", lossCount, steps,
                    $"loss {lossSum / lossCount:0.0000} lr {lr:0.#####}"));
            }

            double? metric = null;
            Dictionary<string, object>? metrics = null;
            if (budgetSpent) planned = epoch + 1;
            if ((epoch + 1) % o.EvalEvery == 0 || epoch + 1 == planned || budget.Active)
            {
                var evalClock = Stopwatch.StartNew();
                metrics = Evaluate(model, context.Val, device, null, cancellationToken);
                metric = Convert.ToDouble(metrics[PrimaryMetric], System.Globalization.CultureInfo.InvariantCulture);
                evalReserve = evalClock.Elapsed.TotalSeconds;
            }
            var curves = new List<EpochRecord>(state.Curves)
            {
                new(epoch + 1, lossCount > 0 ? lossSum / lossCount : double.NaN, lr, metric, clock.Elapsed.TotalSeconds),
            };
            epochSecondsSum += clock.Elapsed.TotalSeconds;
            if (budget.Active && !budgetSpent)
            {
                int replanned = budget.Plan(epoch + 1, epochSecondsSum, wall.Elapsed.TotalSeconds + Math.Min(2, 0.01 * budget.Seconds)); // saving and the job's wrap-up
                if (replanned != planned)
                {
                    planned = replanned;
                    totalSteps = (long)steps * planned;
                    warmupSteps = Math.Min(warmupSteps, (long)Math.Round(WarmupFor(planned) * steps));
                }
            }
            state = state with { NextEpoch = epoch + 1, GlobalStep = step, Curves = curves, PlannedEpochs = planned };
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
            AppendEpochLog(Path.Combine(context.RunDirectory, "epochs.jsonl"), curves[^1], metrics, EpochLogExtras(step));
            epochsThisCall++;
            context.Progress?.Report(new WorkProgress($"epoch {epoch + 1}/{planned}", steps, steps,
                $"loss {curves[^1].Loss:0.0000} {PrimaryMetric} {metric:0.0000}"));
        }

        bool completed = state.Stopped || state.NextEpoch >= planned;
        return new TrainingRunResult(PrimaryMetric, state.BestMetric, state.BestEpoch, state.NextEpoch, state.Stopped,
            completed, state.BestMetrics ?? [], state.Curves, bestPath) { PlannedEpochs = planned, WallSeconds = wall.Elapsed.TotalSeconds };
    }

    /// <summary>One JSON line per finished epoch (epoch, loss, lr, seconds, the task's settings and every scalar
    /// validation metric) to follow a run live.</summary>
    private static void AppendEpochLog(string path, EpochRecord record, Dictionary<string, object>? metrics, IEnumerable<KeyValuePair<string, double>> extras)
    {
        var line = new Dictionary<string, object?> { ["epoch"] = record.Epoch, ["loss"] = record.Loss, ["lr"] = record.LearningRate, ["seconds"] = record.Seconds, ["cpu_seconds"] = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds };
        foreach (var (key, value) in extras) line[key] = value;
        foreach (var (key, value) in metrics ?? []) if (value is double or float or int or long) line[key] = value;
        File.AppendAllText(path, System.Text.Json.JsonSerializer.Serialize(line) + "\n");
    }
}
