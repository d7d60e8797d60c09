using Seer.Core.Datasets;
using Seer.Core.Progress;
using Seer.Imaging.Preprocess;
using Seer.Training.Data;
using Seer.Evaluation;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Image classification: an image's class is its first tag that is in the class list; images are resized to
/// ImageSize x ImageSize, augmented (flip, scale, translate, colour), normalised with ImageNet statistics; loss is
/// cross-entropy (label smoothing) or focal loss; the validation metric is Seer.Evaluation's top-1 accuracy.
/// </summary>
public class ClassificationTrainer : TrainerBase
{
    private readonly Dictionary<string, int> classIndex;
    private ImageCache<RgbImage>? cache;
    private (DatasetSnapshot Data, ImageCache<RgbImage> Cache)? evalCache;
    private (int Image, int Class)[] samples = [];

    public ClassificationTrainer(TrainingOptions options, IReadOnlyList<string> classes) : base(options, classes)
    {
        classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
    }

    public override string PrimaryMetric => "top1";

    public static Normalization Normalization => Normalization.ImageNet;

    protected override IReadOnlyList<int> PrepareTrainingSamples(DatasetSnapshot train)
    {
        samples = Labelled(train);
        cache = NewCache(train);
        return samples.Select(s => s.Class).ToArray();
    }

    /// <summary>The decoded, resized images of a version (shared by training and evaluation).</summary>
    protected ImageCache<RgbImage> NewCache(DatasetSnapshot data) =>
        new(data, img => Resize.To(img, Options.ImageSize, Options.ImageSize),
            (long)Options.ImageSize * Options.ImageSize * 3 + 64, (long)Options.CacheMegabytes << 20, minDecodeSize: Options.ImageSize);

    /// <summary>
    /// The decoded images of a version being evaluated: kept from one validation to the next (every epoch evaluates
    /// the same version; decoding it again each time cost a blob read and a decode per image per epoch, which on S3
    /// dominated a small job's time).
    /// </summary>
    protected ImageCache<RgbImage> EvaluationCache(DatasetSnapshot data)
    {
        if (evalCache is { } kept && ReferenceEquals(kept.Data, data)) return kept.Cache;
        var fresh = NewCache(data);
        evalCache = (data, fresh);
        return fresh;
    }

    private (int Image, int Class)[] Labelled(DatasetSnapshot data)
    {
        var list = new List<(int, int)>();
        for (int i = 0; i < data.Images.Count; i++)
        {
            foreach (string tag in data.Images[i].Tags)
            {
                if (classIndex.TryGetValue(tag, out int c)) { list.Add((i, c)); break; }
            }
        }
        return list.ToArray();
    }

    protected override ITrainBatch BuildBatch(ReadOnlySpan<int> batchSamples, int epoch, int batchIndex)
    {
        int s = Options.ImageSize, plane = 3 * s * s;
        var images = new float[batchSamples.Length * plane];
        var labels = new long[batchSamples.Length];
        for (int k = 0; k < batchSamples.Length; k++)
        {
            var (image, cls) = samples[batchSamples[k]];
            Random rng = SampleRandom.For(Options.Seed, epoch, batchIndex * 100_003 + k);
            RgbImage augmented = ClassificationAugment.Apply(cache!.Get(image), Options, rng);
            Normalization.ToChw(augmented, images.AsSpan(k * plane, plane));
            labels[k] = cls;
        }
        var batch = new ClassificationBatch(images, labels, s);
        return Options.Mixup > 0 && batchSamples.Length > 1
            ? Mix(batch, SampleRandom.For(Options.Seed, epoch, batchIndex, stream: 1), Options.Mixup)
            : batch;
    }

    /// <summary>
    /// Mixup on a built batch: a random pairing of its images (a shuffled order), one λ ~ Beta(α, α) for the batch,
    /// image k = λ·image k + (1 - λ)·image pair(k). The blend is done on the normalised floats, before the tensor is
    /// made, so it costs one pass over the batch on the CPU.
    /// </summary>
    public static ClassificationBatch Mix(ClassificationBatch batch, Random rng, double alpha)
    {
        int n = batch.Count, plane = batch.Images.Length / n;
        var pair = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(pair);
        double lambda = BetaSample(rng, alpha);
        var mixed = new float[batch.Images.Length];
        float a = (float)lambda, b = (float)(1 - lambda);
        for (int k = 0; k < n; k++)
        {
            var own = batch.Images.AsSpan(k * plane, plane);
            var other = batch.Images.AsSpan(pair[k] * plane, plane);
            var target = mixed.AsSpan(k * plane, plane);
            for (int i = 0; i < plane; i++) target[i] = a * own[i] + b * other[i];
        }
        return batch with { Images = mixed, MixedLabels = pair.Select(p => batch.Labels[p]).ToArray(), Lambda = lambda };
    }

    /// <summary>Beta(α, α) as X / (X + Y) of two Gamma(α) draws.</summary>
    private static double BetaSample(Random rng, double alpha)
    {
        double x = GammaSample(rng, alpha), y = GammaSample(rng, alpha);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    /// <summary>
    /// Gamma(shape, 1) by Marsaglia and Tsang (2000); shape &lt; 1 through Gamma(shape + 1)·U^(1/shape). Written here
    /// because the project has no statistics library and needs only this draw, from its own seeded stream.
    /// </summary>
    private static double GammaSample(Random rng, double shape)
    {
        if (shape < 1) return GammaSample(rng, shape + 1) * Math.Pow(1 - rng.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                // standard normal by Box-Muller
                x = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = 1 - rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    protected override Tensor ComputeLoss(nn.Module<Tensor, Tensor> model, ITrainBatch batch, Device device)
    {
        var b = (ClassificationBatch)batch;
        Tensor x = Tensors.ImageBatch(b.Images, b.Count, 3, b.Size, b.Size, device);
        Tensor y = Tensors.Copy(b.Labels).to(device);
        Tensor logits = model.forward(x);
        Tensor Loss(Tensor target) => Options.FocalGamma > 0
            ? Losses.SoftmaxFocal(logits, target, Options.FocalGamma)
            : nn.functional.cross_entropy(logits, target, label_smoothing: Options.LabelSmoothing);
        if (b.MixedLabels is not { } partners) return Loss(y);
        return Loss(y) * b.Lambda + Loss(Tensors.Copy(partners).to(device)) * (1 - b.Lambda);
    }

    public override Dictionary<string, object> Evaluate(nn.Module<Tensor, Tensor> model, DatasetSnapshot data, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var evalSamples = Labelled(data);
        var decoded = EvaluationCache(data);
        int s = Options.ImageSize, plane = 3 * s * s, bs = Math.Max(Options.BatchSize, 64);
        int batches = (evalSamples.Length + bs - 1) / bs;
        var scores = new List<float[]>(evalSamples.Length);
        model.eval();
        using var noGrad = no_grad();
        foreach (float[] images in Prefetcher.Run(batches, b =>
                 {
                     int count = Math.Min(bs, evalSamples.Length - b * bs);
                     var buffer = new float[count * plane];
                     for (int k = 0; k < count; k++)
                         Normalization.ToChw(decoded.Get(evalSamples[b * bs + k].Image), buffer.AsSpan(k * plane, plane));
                     return buffer;
                 }, Options.PrefetchDepth, cancellationToken))
        {
            using var scope = NewDisposeScope();
            int count = images.Length / plane;
            Tensor probs = nn.functional.softmax(model.forward(Tensors.ImageBatch(images, count, 3, s, s, device)), 1).cpu();
            float[] flat = Tensors.ToArray(probs);
            for (int k = 0; k < count; k++) scores.Add(flat.AsSpan(k * Classes.Count, Classes.Count).ToArray());
            progress?.Report(new WorkProgress("evaluate", scores.Count, evalSamples.Length));
        }
        if (evalSamples.Length == 0)
            throw new Seer.Core.Errors.SeerException(Seer.Core.Errors.ErrorCodes.InvalidInput,
                $"dataset {data} has no image tagged with one of the model's classes ({string.Join(", ", Classes)})");
        var metrics = ClassificationEvaluator.Evaluate(evalSamples.Select(p => p.Class).ToArray(), scores, Classes);
        return MetricJson.From(metrics.ToJson());
    }
}
