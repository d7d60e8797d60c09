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
        return new ClassificationBatch(images, labels, s);
    }

    protected override Tensor ComputeLoss(nn.Module<Tensor, Tensor> model, ITrainBatch batch, Device device)
    {
        var b = (ClassificationBatch)batch;
        Tensor x = Tensors.ImageBatch(b.Images, b.Count, 3, b.Size, b.Size, device);
        Tensor y = Tensors.Copy(b.Labels).to(device);
        Tensor logits = model.forward(x);
        if (Options.FocalGamma > 0) return Losses.SoftmaxFocal(logits, y, Options.FocalGamma);
        return nn.functional.cross_entropy(logits, y, label_smoothing: Options.LabelSmoothing);
    }

    public override Dictionary<string, object> Evaluate(nn.Module<Tensor, Tensor> model, DatasetSnapshot data, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var evalSamples = Labelled(data);
        var evalCache = NewCache(data);
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
                         Normalization.ToChw(evalCache.Get(evalSamples[b * bs + k].Image), buffer.AsSpan(k * plane, plane));
                     return buffer;
                 }, Options.Prefetch, cancellationToken))
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
