using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Seer.Core.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;

namespace Seer.Inference;

/// <summary>
/// The one inference path for every image model: decode → letterbox/resize → normalise → InferenceSession.Run →
/// decode outputs → every class above the score threshold + class-aware NMS (detectors, as FcosDecoder) / softmax + top-k (classifiers) / vector
/// (embeddings). Batches images; <see cref="PredictStream"/> prepares the next batch while the current one runs.
/// Thread-safe: ONNX Runtime sessions allow concurrent Run calls.
/// </summary>
public sealed class Predictor
{
    private readonly Preprocessor _pre;
    // Full-size input tensors handed back after Run by PredictStream / Predict (a few MB each: reuse, not LOH churn).
    // Keyed by length: a batch smaller than BatchSize (a video frame or two, the last chunk) reuses its own size.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, System.Collections.Concurrent.ConcurrentBag<float[]>> _tensorPool = new();

    public Predictor(OnnxModel model, PredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new PredictorOptions();
        Options.Validate();
        _pre = new Preprocessor(model.Spec);
        // The layout's outputs, then the feature output when asked for and the model has one.
        _runOutputs = Options.Features && model.Spec.FeaturesOutput is { } features
            ? [.. model.OutputNames, features] : model.OutputNames.ToArray();
    }

    private readonly string[] _runOutputs;

    /// <summary>True when predictions carry the model's feature vector (<see cref="ImagePrediction.Embedding"/>) beside the classes or boxes.</summary>
    public bool ReadsFeatures => _runOutputs.Length > Model.OutputNames.Count;

    public OnnxModel Model { get; }
    public PredictorOptions Options { get; }
    public InferenceSpec Spec => Model.Spec;

    /// <summary>Images per Run: the graph's fixed batch, else <see cref="PredictorOptions.BatchSize"/>.</summary>
    public int BatchSize => Model.FixedBatch ?? Options.BatchSize;

    public ImagePrediction Predict(EncodedImage image) => Predict([image])[0];

    public IReadOnlyList<ImagePrediction> Predict(IReadOnlyList<EncodedImage> images)
    {
        var results = new List<ImagePrediction>(images.Count);
        for (int start = 0; start < images.Count; start += BatchSize)
        {
            var chunk = images.Skip(start).Take(BatchSize).ToList();
            var batch = Prepare(chunk, pooled: true);
            results.AddRange(Run(batch));
            Recycle(batch);
        }
        return results;
    }

    /// <summary>
    /// Predicts a sequence lazily, in input order. Batches are decoded and preprocessed on worker tasks, up to
    /// <see cref="PrefetchBatches"/> ahead of (and concurrently with) the batch that runs.
    /// </summary>
    public IEnumerable<ImagePrediction> PredictStream(IEnumerable<EncodedImage> images, CancellationToken cancellationToken = default)
    {
        var pending = new Queue<Task<PreparedBatch>>();
        using var chunks = images.Chunk(BatchSize).GetEnumerator();
        try
        {
            while (true)
            {
                while (pending.Count < PrefetchBatches && chunks.MoveNext())
                {
                    var chunk = chunks.Current;
                    pending.Enqueue(Task.Run(() => Prepare(chunk, pooled: true), cancellationToken));
                }
                if (pending.Count == 0) yield break;
                PreparedBatch batch;
                try
                {
                    batch = pending.Dequeue().GetAwaiter().GetResult();
                }
                catch (TaskCanceledException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw;
                }
                var predictions = Run(batch);
                Recycle(batch);
                foreach (var prediction in predictions) yield return prediction;
            }
        }
        finally
        {
            foreach (var t in pending)
                try { t.Wait(CancellationToken.None); } catch (AggregateException) { }
        }
    }

    /// <summary>Batches prepared ahead by <see cref="PredictStream"/> (default 3).</summary>
    public int PrefetchBatches { get; init; } = 3;

    /// <summary>Decodes and preprocesses a batch (at most <see cref="BatchSize"/> images) into an input tensor.</summary>
    public PreparedBatch Prepare(IReadOnlyList<EncodedImage> images) => Prepare(images, pooled: false);

    private PreparedBatch Prepare(IReadOnlyList<EncodedImage> images, bool pooled)
    {
        var decoded = new ImageDecoder.Decoded[images.Count];
        try
        {
            Parallel.For(0, images.Count, i => decoded[i] = ImageDecoder.Decode(
                images[i], Spec.InputWidth, Spec.InputHeight, Options.ReducedJpegDecode, fitInside: Spec.Resize == ResizeMode.Letterbox));
            return PrepareDecoded(decoded, images.Select(i => i.Name).ToArray(), pooled);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
        finally
        {
            foreach (var d in decoded) d.Image?.Dispose();
        }
    }

    /// <summary>Predicts already decoded BGR images (crops for the image API, video frames); the caller keeps ownership.</summary>
    public IReadOnlyList<ImagePrediction> PredictDecoded(IReadOnlyList<Mat> images, IReadOnlyList<string> names) =>
        PredictDecoded(images, names, null);

    /// <summary>
    /// Predicts decoded BGR images that are smaller copies of larger originals (video frames the decoder already shrank
    /// to <see cref="InputImageSize"/>): the images are used as they are and boxes come back in the originals' pixels.
    /// </summary>
    public IReadOnlyList<ImagePrediction> PredictDecoded(IReadOnlyList<Mat> images, IReadOnlyList<string> names,
        IReadOnlyList<(int Width, int Height)>? originalSizes)
    {
        var results = new List<ImagePrediction>(images.Count);
        for (int start = 0; start < images.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, images.Count - start);
            var decoded = Enumerable.Range(start, n).Select(i => originalSizes is null
                ? new ImageDecoder.Decoded(images[i], images[i].Width, images[i].Height)
                : new ImageDecoder.Decoded(images[i], originalSizes[i].Width, originalSizes[i].Height)).ToArray();
            var batch = PrepareDecoded(decoded, names.Skip(start).Take(n).ToArray(), pooled: true);
            results.AddRange(Run(batch));
            Recycle(batch);
        }
        return results;
    }

    /// <summary>
    /// The size an image of <paramref name="width"/>×<paramref name="height"/> is resized to before it enters the
    /// network (the letterboxed image without its border, or the input size when stretching).
    /// </summary>
    public (int Width, int Height) InputImageSize(int width, int height)
    {
        if (Spec.Resize != ResizeMode.Letterbox) return (Spec.InputWidth, Spec.InputHeight);
        ImageTransform.Letterbox(width, height, Spec.InputWidth, Spec.InputHeight, out int rw, out int rh);
        return (rw, rh);
    }

    private PreparedBatch PrepareDecoded(ImageDecoder.Decoded[] decoded, string[] names, bool pooled)
    {
        int n = decoded.Length;
        int runBatch = Model.FixedBatch ?? n;
        if (n > runBatch) throw new ArgumentException($"batch of {n} images exceeds the model's fixed batch {runBatch}");
        int item = _pre.ItemLength;
        long length = (long)runBatch * item;
        float[]? tensor = null;
        if (pooled && _tensorPool.TryGetValue(length, out var bag) && bag.TryTake(out var reused)) tensor = reused;
        if (tensor is null || tensor.Length != length) tensor = new float[length];
        else tensor.AsSpan(n * item).Clear(); // a reused tensor: items past n (fixed-batch padding) back to zero
        var transforms = new ImageTransform[n];
        Parallel.For(0, n, i => transforms[i] = _pre.Fill(decoded[i].Image, decoded[i].OriginalWidth, decoded[i].OriginalHeight,
            tensor.AsSpan(i * item, item)));
        long[] shape = Spec.InputLayout == TensorLayout.Nchw
            ? [runBatch, Spec.Channels, Spec.InputHeight, Spec.InputWidth]
            : [runBatch, Spec.InputHeight, Spec.InputWidth, Spec.Channels];
        return new PreparedBatch(tensor, shape, names, transforms);
    }

    /// <summary>Hands a batch's tensor back for reuse once its Run has returned (only batches this class prepared).</summary>
    private void Recycle(PreparedBatch batch)
    {
        if (batch.Tensor.Length % _pre.ItemLength != 0 || batch.Tensor.Length > (long)BatchSize * _pre.ItemLength) return;
        var bag = _tensorPool.GetOrAdd(batch.Tensor.Length, _ => []);
        if (bag.Count < PrefetchBatches + 1) bag.Add(batch.Tensor);
    }

    /// <summary>Runs a prepared batch and decodes the outputs.</summary>
    public IReadOnlyList<ImagePrediction> Run(PreparedBatch batch)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(batch.Tensor, batch.Shape);
        using var runOptions = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = Model.Session.Run(runOptions, [Model.InputName], [input], _runOutputs);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput,
                $"model '{Model.Path}' failed on input [{string.Join(",", batch.Shape)}]: {ex.Message}", Model.Path, ex);
        }
        using (outputs)
        {
            var first = outputs[0].GetTensorDataAsSpan<float>();
            long[] firstShape = outputs[0].GetTensorTypeAndShape().Shape;
            int layoutOutputs = Model.OutputNames.Count;
            ReadOnlySpan<float> second = layoutOutputs > 1 ? outputs[1].GetTensorDataAsSpan<float>() : default;
            long[] secondShape = layoutOutputs > 1 ? outputs[1].GetTensorTypeAndShape().Shape : [];
            var results = new ImagePrediction[batch.Count];
            for (int i = 0; i < batch.Count; i++)
                results[i] = Decode(batch, i, first, firstShape, second, secondShape);
            if (ReadsFeatures)
            {
                var features = outputs[layoutOutputs].GetTensorDataAsSpan<float>();
                int d = (int)outputs[layoutOutputs].GetTensorTypeAndShape().Shape[1];
                for (int i = 0; i < batch.Count; i++)
                    results[i] = results[i] with { Embedding = features.Slice(i * d, d).ToArray() };
            }
            return results;
        }
    }

    private ImagePrediction Decode(PreparedBatch batch, int i, ReadOnlySpan<float> first, long[] firstShape,
        ReadOnlySpan<float> second, long[] secondShape)
    {
        var t = batch.Transforms[i];
        var result = new ImagePrediction(batch.Names[i], t.OriginalWidth, t.OriginalHeight);
        switch (Spec.OutputLayout)
        {
            case OutputLayout.ClassifierLogits or OutputLayout.ClassifierProbs:
            {
                var p = OutputDecoder.Probabilities(Spec, first, i);
                var top = Enumerable.Range(0, p.Length).OrderByDescending(c => p[c]).ThenBy(c => c).Take(Options.TopK)
                    .Select(c => new ClassScore(c, Spec.ClassNames[c], p[c])).ToList();
                return result with { Classes = top };
            }
            case OutputLayout.Embedding:
            {
                int d = (int)firstShape[1];
                return result with { Embedding = first.Slice(i * d, d).ToArray() };
            }
            default:
            {
                var candidates = OutputDecoder.Detections(Spec, first, firstShape, second, secondShape, i, Options.ScoreThreshold, Options.MaxCandidates);
                var kept = Nms.ClassAware(candidates, Options.IouThreshold, Options.MaxDetections);
                var detections = new List<Detection>(kept.Count);
                foreach (var k in kept)
                {
                    var box = t.ToOriginal(k.X1, k.Y1, k.X2, k.Y2);
                    if (box.IsDegenerate) continue;
                    detections.Add(new Detection(box, k.ClassId, Spec.ClassNames[k.ClassId], k.Score));
                }
                return result with { Detections = detections };
            }
        }
    }
}
