using System.Threading.Channels;
using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Inference;
using Seer.Inference.Faces;

namespace Seer.Video.Pipeline;

/// <summary>One object found on a frame: the detection in source pixels and, with a face bundle, the face (five points, quality).</summary>
public readonly record struct FrameObject(Detection Detection, Face? Face);

/// <summary>
/// What the streams of a runner detect with: an object detector or a face bundle.
/// <para><b>Detector</b> (<see cref="Predictor"/>): each stream hands in its frame, shrunk to the network's resize size
/// (<see cref="Predictor.InputImageSize"/>) on the stream's own thread, and awaits its detections in source pixels; one
/// worker thread takes whatever requests are waiting (up to the predictor's batch size) and runs them as one batch through
/// the shared predictor (one ONNX Runtime session, whose intra-op thread count the host bounds). With one stream this is
/// one image per Run; with many, frames of different streams share a Run.</para>
/// <para><b>Face bundle</b> (<see cref="FacePipeline"/>, docs/identity.md): the frame is converted to BGR at full
/// resolution and the bundle's detector, landmark model, alignment and face quality run on the stream's thread (the
/// embedding waits for the snapshot: <see cref="FacePipeline.Embed"/> on the best shot only).</para>
/// </summary>
public sealed class FrameDetector : IAsyncDisposable
{
    private sealed record Request(Mat Image, int Width, int Height, string Name, TaskCompletionSource<ImagePrediction> Done);

    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread? _worker;
    private readonly FaceOptions? _faceOptions;
    private long _runs, _images;
    private int _started;

    /// <summary>Detects with an object detector, batching the frames of every stream that uses this instance.</summary>
    public FrameDetector(Predictor predictor)
    {
        Predictor = predictor ?? throw new ArgumentNullException(nameof(predictor));
        if (predictor.Spec.Task != "detect")
            throw new SeerException(ErrorCodes.InvalidOptions, $"model '{predictor.Model.Path}' is a {predictor.Spec.Task} model; video needs a detector or a face bundle");
        _worker = new Thread(Work) { IsBackground = true, Name = "seer-video-detector" };
    }

    /// <summary>Detects faces with a face bundle; <paramref name="scoreThreshold"/> null keeps the bundle's own threshold.</summary>
    public FrameDetector(FacePipeline faces, float? scoreThreshold = null, double minFaceSize = 0)
    {
        Faces = faces ?? throw new ArgumentNullException(nameof(faces));
        _faceOptions = new FaceOptions { ScoreThreshold = scoreThreshold, MinFaceSize = minFaceSize, IncludeEmbedding = false };
    }

    /// <summary>The object detector (null with a face bundle).</summary>
    public Predictor? Predictor { get; }
    /// <summary>The face bundle's pipeline (null with an object detector).</summary>
    public FacePipeline? Faces { get; }
    /// <summary>The classes detections can have ("face" for a face bundle).</summary>
    public IReadOnlyList<string> ClassNames => Predictor?.Spec.ClassNames ?? FaceClasses;
    /// <summary>The model file (the face bundle's JSON file for faces), as snapshots and lineage name it.</summary>
    public string ModelPath => Predictor?.Model.Path ?? Faces!.Bundle.Path;
    /// <summary>Runs so far and images in them (their ratio is the mean batch).</summary>
    public (long Runs, long Images) Counters => (Interlocked.Read(ref _runs), Interlocked.Read(ref _images));

    private static readonly string[] FaceClasses = ["face"];

    /// <summary>The objects on <paramref name="frame"/> (the caller keeps the frame), boxes in source pixels.</summary>
    public async Task<IReadOnlyList<FrameObject>> DetectAsync(VideoFrame frame, string name)
    {
        if (Faces is { } faces)
        {
            using var bgr = frame.ToBgr();
            var found = faces.Detect(bgr, name, _faceOptions);
            var list = new FrameObject[found.Count];
            for (int i = 0; i < found.Count; i++) list[i] = new FrameObject(new Detection(found[i].Box, 0, "face", found[i].Score), found[i]);
            Interlocked.Increment(ref _runs);
            Interlocked.Increment(ref _images);
            return list;
        }
        var (aw, ah) = Predictor!.InputImageSize(frame.Width, frame.Height);
        ImagePrediction prediction;
        using (var small = frame.ToBgr(aw, ah))
            prediction = await Enqueue(small, frame.Width, frame.Height, name).ConfigureAwait(false);
        var objects = new FrameObject[prediction.Detections.Count];
        for (int i = 0; i < objects.Length; i++) objects[i] = new FrameObject(prediction.Detections[i], null);
        return objects;
    }

    private Task<ImagePrediction> Enqueue(Mat image, int width, int height, string name)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0) _worker!.Start(); // the thread starts with the first frame
        var done = new TaskCompletionSource<ImagePrediction>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Request(image, width, height, name, done)))
            done.SetException(new ObjectDisposedException(nameof(FrameDetector)));
        return done.Task;
    }

    private void Work()
    {
        var batch = new List<Request>();
        var images = new List<Mat>();
        var names = new List<string>();
        var sizes = new List<(int, int)>();
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear(); images.Clear(); names.Clear(); sizes.Clear();
            while (batch.Count < Predictor!.BatchSize && reader.TryRead(out var r))
            {
                batch.Add(r); images.Add(r.Image); names.Add(r.Name); sizes.Add((r.Width, r.Height));
            }
            if (batch.Count == 0) continue;
            try
            {
                var results = Predictor.PredictDecoded(images, names, sizes);
                Interlocked.Increment(ref _runs);
                Interlocked.Add(ref _images, batch.Count);
                for (int i = 0; i < batch.Count; i++) batch[i].Done.SetResult(results[i]);
            }
            catch (Exception ex)
            {
                foreach (var r in batch) r.Done.TrySetException(ex);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_worker is not null && Interlocked.Exchange(ref _started, 1) == 1) _worker.Join();
        return ValueTask.CompletedTask;
    }
}
