using System.Globalization;
using Seer.Core.Errors;

namespace Seer.Training.Options;

/// <summary>
/// Checks <see cref="TrainingOptions"/> before any work starts; the message names the setting, its value and the fix,
/// e.g. <c>TrainingOptions.BatchSize must be &gt; 0 (was 0); set --batch or "batchSize" in a params file</c>.
/// </summary>
public static class TrainingOptionsValidator
{
    public static void Validate(TrainingOptions o) => Validate(o, SettingsSource.CommandLine);

    /// <summary>Checks every setting; the error names the key and fix the way <paramref name="source"/> spells them.</summary>
    public static void Validate(TrainingOptions o, SettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(source);
        void Check(bool ok, string name, object value, string rule, string? flag) => Require(source, ok, name, value, rule, flag);
        Check(o.Task is "classify" or "detect" or "embed", nameof(o.Task), o.Task, "be classify, detect or embed", "--task");
        Check(o.EmbeddingDim is >= 2 and <= 4096, nameof(o.EmbeddingDim), o.EmbeddingDim, "be in 2..4096", "--dim");
        Check(o.MetricLoss is "arcface" or "cosface" or "softmax" or "triplet", nameof(o.MetricLoss), o.MetricLoss, "be arcface, cosface, softmax or triplet", "--loss");
        Check(o.Margin is >= 0 and < 2, nameof(o.Margin), o.Margin, "be in [0, 2)", null);
        Check(o.MarginScale is >= 0 and <= 256, nameof(o.MarginScale), o.MarginScale, "be in [0, 256] (0 = AdaCos's scale for the number of identities)", null);
        Check(o.CentreLrScale is > 0 and <= 1000, nameof(o.CentreLrScale), o.CentreLrScale, "be in (0, 1000]", null);
        Check(o.ClassesPerBatch >= 0, nameof(o.ClassesPerBatch), o.ClassesPerBatch, "be >= 0 (0 = the loss's default)", null);
        Check(o.Epochs is > 0 and <= 100_000, nameof(o.Epochs), o.Epochs, "be between 1 and 100000", "--epochs");
        Check(o.BatchSize > 0, nameof(o.BatchSize), o.BatchSize, "be > 0", "--batch");
        Check(o.ImageSize >= 16 && o.ImageSize <= 2048 && (o.Task != "detect" || o.ImageSize % 32 == 0),
            nameof(o.ImageSize), o.ImageSize, o.Task == "detect" ? "be a multiple of 32 in 32..2048" : "be in 16..2048", "--size");
        Check(o.Width is > 0 and <= 1024, nameof(o.Width), o.Width, "be in 1..1024", null);
        Check(o.CenterRadius is >= 0.5 and <= 10, nameof(o.CenterRadius), o.CenterRadius, "be in [0.5, 10]", null);
        Check(o.BoxLossWeight is > 0 and <= 100, nameof(o.BoxLossWeight), o.BoxLossWeight, "be in (0, 100]", null);
        Check(o.HeadConvs is >= 1 and <= 8, nameof(o.HeadConvs), o.HeadConvs, "be in 1..8", null);
        Check(o.Optimizer is "sgd" or "adamw", nameof(o.Optimizer), o.Optimizer, "be sgd or adamw", null);
        Check(o.LearningRate > 0 && o.LearningRate < 10, nameof(o.LearningRate), o.LearningRate, "be in (0, 10)", "--lr");
        Check(o.Momentum is >= 0 and < 1, nameof(o.Momentum), o.Momentum, "be in [0, 1)", null);
        Check(o.WeightDecay is >= 0 and < 1, nameof(o.WeightDecay), o.WeightDecay, "be in [0, 1)", null);
        Check(o.WarmupEpochs >= 0 && o.WarmupEpochs <= o.Epochs, nameof(o.WarmupEpochs), o.WarmupEpochs, $"be in [0, Epochs={o.Epochs}]", null);
        Check(o.FinalLrFraction is >= 0 and <= 1, nameof(o.FinalLrFraction), o.FinalLrFraction, "be in [0, 1]", null);
        Check(o.Patience >= 0, nameof(o.Patience), o.Patience, "be >= 0", null);
        Check(o.Sampling is "none" or "balanced", nameof(o.Sampling), o.Sampling, "be none or balanced", null);
        Check(o.FocalGamma is >= 0 and <= 10, nameof(o.FocalGamma), o.FocalGamma, "be in [0, 10]", null);
        Check(o.LabelSmoothing is >= 0 and < 1, nameof(o.LabelSmoothing), o.LabelSmoothing, "be in [0, 1)", null);
        Check(o.Mixup is >= 0 and <= 10, nameof(o.Mixup), o.Mixup, "be in [0, 10] (the α of Beta(α, α); 0 = off)", null);
        // blending two images blends two classes; boxes and identities do not blend, so only classification takes it
        Check(o.Mixup == 0 || o.Task == "classify", nameof(o.Mixup), o.Mixup, "be 0 for task " + o.Task + " (mixup is for classify)", null);
        Check(o.FlipProbability is >= 0 and <= 1, nameof(o.FlipProbability), o.FlipProbability, "be in [0, 1]", null);
        Check(o.Translate is >= 0 and <= 0.5, nameof(o.Translate), o.Translate, "be in [0, 0.5]", null);
        Check(o.ScaleJitter is >= 0 and < 1, nameof(o.ScaleJitter), o.ScaleJitter, "be in [0, 1)", null);
        Check(o.ColorJitter is >= 0 and <= 1, nameof(o.ColorJitter), o.ColorJitter, "be in [0, 1]", null);
        Check(o.Threads is >= 0 and <= 256, nameof(o.Threads), o.Threads, "be in 0..256", null);
        Check(DeviceSpec.TryParse(o.Device, out _), nameof(o.Device), o.Device, "be cpu or cuda:N", "--device");
        Check(o.Prefetch is > 0 and <= 64, nameof(o.Prefetch), o.Prefetch, "be in 1..64", null);
        Check(o.CacheMegabytes >= 0, nameof(o.CacheMegabytes), o.CacheMegabytes, "be >= 0", null);
        Check(o.ScoreThreshold is >= 0 and < 1, nameof(o.ScoreThreshold), o.ScoreThreshold, "be in [0, 1)", null);
        Check(o.NmsIoU is > 0 and <= 1, nameof(o.NmsIoU), o.NmsIoU, "be in (0, 1]", null);
        Check(o.EvalEvery > 0, nameof(o.EvalEvery), o.EvalEvery, "be > 0", null);
        Check(o.BackboneLrScale is > 0 and <= 1, nameof(o.BackboneLrScale), o.BackboneLrScale, "be in (0, 1]", null);
        Check(o.BackboneFreezeEpochs is >= 0 and <= 100_000, nameof(o.BackboneFreezeEpochs), o.BackboneFreezeEpochs, "be in 0..100000 epochs", null);
        Check(o.TimeMinutes is >= 0 and <= 100_000, nameof(o.TimeMinutes), o.TimeMinutes, "be in [0, 100000] minutes", "--time");
        Check(o.Pretrained.Length == 0 || o.Architecture is "" or "resnet18" or "fcos-resnet18" || o.Pretrained != "imagenet",
            nameof(o.Pretrained), o.Pretrained, "be used with resnet18 or fcos-resnet18 (the ImageNet backbone is a ResNet-18)", "--pretrained");
        Check(o.MaxBatchesPerEpoch >= 0, nameof(o.MaxBatchesPerEpoch), o.MaxBatchesPerEpoch, "be >= 0", null);
    }

    private static void Require(SettingsSource source, bool ok, string name, object value, string rule, string? flag)
    {
        if (ok) return;
        string shown = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null";
        if (source.IsJob)
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display}: parameter '{source.Key(name)}' must {rule} (was {shown})", source.Key(name));
        throw new SeerException(ErrorCodes.InvalidOptions, $"TrainingOptions.{name} must {rule} (was {shown}); {source.Fix(name, flag)}", source.Path);
    }
}
