using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Progress;
using Seer.Evaluation;
using Seer.Training.Data;
using Seer.Training.Models;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Metric learning (task <c>embed</c>): the classes of the training version are identities; images and augmentation
/// as for classification (an image's identity is its first tag in the class list); batches are P identities x K images
/// (<see cref="PkSampler"/>) for triplet, shuffled for the classification losses; the network is an <see cref="EmbeddingNet"/>; the loss is ArcFace, CosFace, plain softmax
/// or batch-hard triplet (<see cref="TrainingOptions.MetricLoss"/>). Evaluation, in training and in
/// <c>seer model eval</c>, is <see cref="EmbeddingEvaluator"/> on any labelled version (an image's identity is its
/// first tag, seen in training or not); the primary metric is <c>map_at_r</c>.
/// </summary>
public sealed class EmbeddingTrainer : ClassificationTrainer
{
    public EmbeddingTrainer(TrainingOptions options, IReadOnlyList<string> classes) : base(options, classes)
    {
    }

    public override string PrimaryMetric => "map_at_r";

    /// <summary>The margin in use: the option, or the loss's default (ArcFace 0.3 rad, CosFace 0.25, triplet 0.2).</summary>
    public double Margin => Options.Margin > 0 ? Options.Margin : Options.MetricLoss switch
    {
        "arcface" => 0.3,
        "cosface" => 0.25,
        "triplet" => 0.2,
        _ => 0,
    };

    /// <summary>The scale s of ArcFace and CosFace logits: the option, or AdaCos's fixed scale for the number of
    /// identities (<see cref="MetricLosses.AdaCosScale"/>).</summary>
    public double Scale => Options.MarginScale > 0 ? Options.MarginScale : MetricLosses.AdaCosScale(Classes.Count);

    /// <summary>Identities per batch (P of P x K), or 0 for shuffled batches: the option, or the loss's default (triplet
    /// 8, the classification losses shuffled).</summary>
    public int ClassesPerBatch => Options.ClassesPerBatch > 0 ? Options.ClassesPerBatch : Options.MetricLoss == "triplet" ? 8 : 0;

    protected override int[] EpochOrder(IReadOnlyList<int> sampleClasses, int epoch, int batchSize) => ClassesPerBatch > 0
        ? PkSampler.Order(sampleClasses, batchSize, ClassesPerBatch, Options.Seed, epoch)
        : base.EpochOrder(sampleClasses, epoch, batchSize);

    /// <summary>The loss's settings in force, on every line of <c>epochs.jsonl</c>: <c>margin</c>, <c>margin_scale</c>
    /// (ArcFace and CosFace), <c>classes_per_batch</c> (0 = shuffled batches) and <c>centre_lr_scale</c>.</summary>
    protected override IEnumerable<KeyValuePair<string, double>> EpochLogExtras(long globalStep)
    {
        yield return new("margin", Margin);
        if (Options.MetricLoss is "arcface" or "cosface") yield return new("margin_scale", Scale);
        yield return new("classes_per_batch", ClassesPerBatch);
        if (Options.MetricLoss != "triplet") yield return new("centre_lr_scale", Options.CentreLrScale);
    }

    protected override Tensor ComputeLoss(nn.Module<Tensor, Tensor> model, ITrainBatch batch, Device device)
    {
        var net = model as EmbeddingNet
            ?? throw new SeerException(ErrorCodes.InvalidOptions, $"task embed needs an embedding network, not {model.GetName()}");
        var b = (ClassificationBatch)batch;
        Tensor x = Tensors.ImageBatch(b.Images, b.Count, 3, b.Size, b.Size, device);
        Tensor y = Tensors.Copy(b.Labels).to(device);
        return Options.MetricLoss switch
        {
            "softmax" => nn.functional.cross_entropy(net.Head.forward(net.Neck(x)), y),
            "triplet" => MetricLosses.BatchHardTriplet(net.forward(x), y, Margin),
            "cosface" => MetricLosses.MarginSoftmax(net.Neck(x), net.Head.weight!, y, Scale, Margin, angular: false),
            _ => MetricLosses.MarginSoftmax(net.Neck(x), net.Head.weight!, y, Scale, Margin, angular: true),
        };
    }

    public override Dictionary<string, object> Evaluate(nn.Module<Tensor, Tensor> model, DatasetSnapshot data, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        // Identities of the evaluation version: each tagged image's first tag, known to the model or not.
        var identities = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new List<(int Image, int Identity)>();
        for (int i = 0; i < data.Images.Count; i++)
        {
            var tags = data.Images[i].Tags;
            if (tags.Count == 0) continue;
            if (!identities.TryGetValue(tags[0], out int id)) identities[tags[0]] = id = identities.Count;
            items.Add((i, id));
        }
        if (items.Count < 2)
            throw new SeerException(ErrorCodes.InvalidInput, $"dataset {data} has fewer than two tagged images; embedding evaluation needs identities");
        var cache = EvaluationCache(data);
        int s = Options.ImageSize, plane = 3 * s * s, bs = Math.Max(Options.BatchSize, 64);
        int batches = (items.Count + bs - 1) / bs;
        float[]? vectors = null;
        int dim = 0, done = 0;
        model.eval();
        using var noGrad = no_grad();
        foreach (float[] images in Prefetcher.Run(batches, bi =>
                 {
                     int count = Math.Min(bs, items.Count - bi * bs);
                     var buffer = new float[count * plane];
                     for (int k = 0; k < count; k++)
                         Normalization.ToChw(cache.Get(items[bi * bs + k].Image), buffer.AsSpan(k * plane, plane));
                     return buffer;
                 }, Options.PrefetchDepth, cancellationToken))
        {
            using var scope = NewDisposeScope();
            int count = images.Length / plane;
            float[] flat = Tensors.ToArray(model.forward(Tensors.ImageBatch(images, count, 3, s, s, device)).cpu());
            if (vectors is null)
            {
                dim = flat.Length / count;
                vectors = new float[items.Count * dim];
            }
            flat.CopyTo(vectors, done * dim);
            done += count;
            progress?.Report(new WorkProgress("evaluate", done, items.Count));
        }
        var metrics = EmbeddingEvaluator.Evaluate(vectors!, dim, items.Select(p => p.Identity).ToArray(), Options.Seed);
        return MetricJson.From(metrics.ToJson());
    }
}
