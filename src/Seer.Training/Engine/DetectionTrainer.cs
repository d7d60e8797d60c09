using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Core.Progress;
using Seer.Imaging.Preprocess;
using Seer.Training.Data;
using Seer.Core.Annotations;
using Seer.Evaluation;
using Seer.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Engine;

/// <summary>
/// Object detection with <see cref="Models.FcosLite"/>: images letterboxed to ImageSize, augmented with their boxes,
/// FCOS targets assigned on worker threads; loss = sigmoid focal (classes) + centerness-weighted GIoU (boxes) +
/// centerness BCE; validation metric Seer.Evaluation's COCO AP@[.5:.95] (all of DetectionEvaluator's keys).
/// </summary>
public sealed class DetectionTrainer : TrainerBase
{
    // Loss constants as rooted scalars: an implicit double → Scalar conversion can be finalized mid-call (ScalarSafe).
    private static readonly Scalar MinLogDistance = (-8.0).ToScalar(), MaxLogDistance = 8.0.ToScalar();
    private static readonly Scalar TinyWeight = 1e-6.ToScalar(), Zero = 0.0.ToScalar();
    private readonly Dictionary<string, int> classIndex;
    private readonly FcosTargets grid;
    private int[] samples = [];

    public DetectionTrainer(TrainingOptions options, IReadOnlyList<string> classes) : base(options, classes)
    {
        classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        grid = new FcosTargets(Options.ImageSize, Options.CenterRadius);
    }

    public override string PrimaryMetric => "AP";

    private DetectionSample Load(DatasetSnapshot data, int index)
    {
        ImageRecord record = data.Images[index];
        // Decoded at reduced scale when large (never below its letterboxed size) and letterboxed from the original
        // size: the same decode, resize and geometry as the predictor's, so validation equals deployment.
        RgbImage decoded = ImageCache<RgbImage>.Decode(data, index, Options.ImageSize, Options.ImageSize, out int width, out int height, fitInside: true);
        var (canvas, transform) = Letterbox.Apply(decoded, Options.ImageSize, width, height);
        var objects = record.Objects.Where(o => classIndex.ContainsKey(o.Label) && !o.Box.IsDegenerate).ToArray();
        return new DetectionSample(canvas, objects.Select(o => transform.Forward(o.Box)).ToArray(),
            objects.Select(o => classIndex[o.Label]).ToArray(), transform);
    }

    private sealed class SampleCache(DatasetSnapshot data, Func<DatasetSnapshot, int, DetectionSample> load, bool keep)
    {
        private readonly DetectionSample?[] slots = keep ? new DetectionSample?[data.Images.Count] : [];

        public DetectionSample Get(int index)
        {
            if (keep && Volatile.Read(ref slots[index]) is { } hit) return hit;
            var value = load(data, index);
            if (keep) Volatile.Write(ref slots[index], value);
            return value;
        }
    }

    private SampleCache? trainCache;

    private SampleCache CacheFor(DatasetSnapshot data) =>
        new(data, Load, (long)data.Images.Count * Options.ImageSize * Options.ImageSize * 3 <= ((long)Options.CacheMegabytes << 20));

    protected override IReadOnlyList<int> PrepareTrainingSamples(DatasetSnapshot train)
    {
        samples = Enumerable.Range(0, train.Images.Count).Where(i => train.Images[i].IsLabelled).ToArray();
        trainCache = CacheFor(train);
        // balanced sampling for detection groups images by their most frequent class
        return samples.Select(i => train.Images[i].Objects.Where(o => classIndex.ContainsKey(o.Label))
            .GroupBy(o => classIndex[o.Label]).OrderByDescending(g => g.Count()).Select(g => g.Key).DefaultIfEmpty(-1).First()).ToArray();
    }

    protected override ITrainBatch BuildBatch(ReadOnlySpan<int> batchSamples, int epoch, int batchIndex)
    {
        int s = Options.ImageSize, plane = 3 * s * s, a = grid.Locations, n = batchSamples.Length;
        var images = new float[n * plane];
        var cls = new int[n * a];
        var boxes = new float[n * a * 4];
        var ctr = new float[n * a];
        for (int k = 0; k < n; k++)
        {
            Random rng = SampleRandom.For(Options.Seed, epoch, batchIndex * 100_003 + k);
            DetectionSample sample = DetectionAugment.Apply(trainCache!.Get(samples[batchSamples[k]]), Options, rng);
            Normalization.ImageNet.ToChw(sample.Image, images.AsSpan(k * plane, plane));
            grid.Assign(sample.Boxes, sample.Classes, cls, boxes, ctr, k * a);
        }
        return new DetectionBatch(images, s, n, cls, boxes, ctr);
    }

    protected override Tensor ComputeLoss(nn.Module<Tensor, Tensor> model, ITrainBatch batch, Device device)
    {
        var b = (DetectionBatch)batch;
        int a = grid.Locations, c = Classes.Count;
        Tensor output = model.forward(Tensors.ImageBatch(b.Images, b.Count, 3, b.Size, b.Size, device)).reshape(b.Count * a, 5 + c);
        var onehot = new float[b.Count * a * c];
        var pos = new List<long>();
        for (int i = 0; i < b.ClassTargets.Length; i++)
        {
            if (b.ClassTargets[i] < 0) continue;
            onehot[i * c + b.ClassTargets[i]] = 1;
            pos.Add(i);
        }
        using Scalar numPos = ((double)Math.Max(1, pos.Count)).ToScalar();
        Tensor clsLoss = Losses.SigmoidFocalSum(output[.., 5..], Tensors.Copy(onehot, b.Count * a, c).to(device)).div(numPos);
        if (pos.Count == 0) return clsLoss.Plus(output[.., ..5].sum().mul(Zero));

        Tensor index = Tensors.Copy(pos.ToArray()).to(device);
        Tensor p = output.index_select(0, index);
        var locIdx = pos.Select(i => (int)(i % a)).ToArray();
        Tensor px = Tensors.Copy(locIdx.Select(i => grid.X[i]).ToArray()).to(device);
        Tensor py = Tensors.Copy(locIdx.Select(i => grid.Y[i]).ToArray()).to(device);
        Tensor st = Tensors.Copy(locIdx.Select(i => grid.Stride[i]).ToArray()).to(device);
        Tensor dist = p[.., ..4].clamp(MinLogDistance, MaxLogDistance).exp() * st.unsqueeze(1);
        Tensor predBoxes = stack([px.Minus(dist[.., 0]), py.Minus(dist[.., 1]), px.Plus(dist[.., 2]), py.Plus(dist[.., 3])], 1);
        var targetDist = pos.SelectMany(i => new[] { b.BoxTargets[i * 4], b.BoxTargets[i * 4 + 1], b.BoxTargets[i * 4 + 2], b.BoxTargets[i * 4 + 3] }).ToArray();
        Tensor td = Tensors.Copy(targetDist, pos.Count, 4).to(device);
        Tensor targetBoxes = stack([px.Minus(td[.., 0]), py.Minus(td[.., 1]), px.Plus(td[.., 2]), py.Plus(td[.., 3])], 1);
        Tensor ctrTarget = Tensors.Copy(pos.Select(i => b.Centerness[i]).ToArray()).to(device);
        Tensor regLoss = (Losses.GIoULoss(predBoxes, targetBoxes) * ctrTarget).sum() / ctrTarget.sum().clamp_min(TinyWeight);
        Tensor ctrLoss = nn.functional.binary_cross_entropy_with_logits(p[.., 4], ctrTarget);
        using Scalar boxWeight = Options.BoxLossWeight.ToScalar();
        return clsLoss.Plus(regLoss.mul(boxWeight)).Plus(ctrLoss);
    }

    public override Dictionary<string, object> Evaluate(nn.Module<Tensor, Tensor> model, DatasetSnapshot data, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var predictions = Predict(model, data, device, progress, cancellationToken);
        var truth = new List<ImageRecord>();
        var dets = new List<IReadOnlyList<ObjectAnnotation>>();
        for (int i = 0; i < data.Images.Count; i++)
        {
            if (!data.Images[i].IsLabelled) continue;
            // Objects of labels outside the model's classes are not evaluated (the evaluator rejects unknown labels).
            truth.Add(data.Images[i] with { Objects = data.Images[i].Objects.Where(o => classIndex.ContainsKey(o.Label)).ToList() });
            dets.Add(predictions[i].Select(d => new ObjectAnnotation(Classes[d.Class], d.Box)
            {
                Score = d.Score, Source = AnnotationSource.Predicted,
            }).ToList());
        }
        var metrics = MetricJson.From(DetectionEvaluator.Evaluate(truth, dets, Classes).ToJson());
        return metrics;
    }

    /// <summary>Detections per image in original image pixels (one entry per dataset image).</summary>
    public List<FcosDecoder.Detection>[] Predict(nn.Module<Tensor, Tensor> model, DatasetSnapshot data, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var evalCache = CacheFor(data);
        int s = Options.ImageSize, plane = 3 * s * s, bs = Math.Max(8, Options.BatchSize), n = data.Images.Count;
        int width = 5 + Classes.Count, a = grid.Locations;
        var result = new List<FcosDecoder.Detection>[n];
        int batches = (n + bs - 1) / bs;
        model.eval();
        using var noGrad = no_grad();
        int done = 0;
        foreach (var (start, images, transforms) in Prefetcher.Run(batches, b =>
                 {
                     int count = Math.Min(bs, n - b * bs);
                     var buffer = new float[count * plane];
                     var t = new LetterboxTransform[count];
                     for (int k = 0; k < count; k++)
                     {
                         DetectionSample sample = evalCache.Get(b * bs + k);
                         Normalization.ImageNet.ToChw(sample.Image, buffer.AsSpan(k * plane, plane));
                         t[k] = sample.Transform;
                     }
                     return (b * bs, buffer, t);
                 }, Options.PrefetchDepth, cancellationToken))
        {
            using var scope = NewDisposeScope();
            int count = transforms.Length;
            float[] output = Tensors.ToArray(model.forward(Tensors.ImageBatch(images, count, 3, s, s, device)));
            for (int k = 0; k < count; k++)
            {
                var decoded = FcosDecoder.Decode(output.AsSpan(k * a * width, a * width), Classes.Count, grid, Options.ScoreThreshold, Options.NmsIoU);
                ImageRecord record = data.Images[start + k];
                result[start + k] = decoded.Select(d => d with
                {
                    Box = transforms[k].Backward(d.Box).Clip(record.Width, record.Height),
                }).ToList();
            }
            done += count;
            progress?.Report(new WorkProgress("evaluate", done, n));
        }
        return result;
    }
}
