using System.Threading.Channels;
using OpenCvSharp;
using Seer.Inference;

namespace Seer.Video.Pipeline;

/// <summary>
/// Runs the detector for every stream of a runner: each stream hands in its analysis image (the frame already shrunk to
/// the network's resize size, <see cref="Predictor.InputImageSize"/>) and awaits its detections in source pixels; one
/// worker thread takes whatever requests are waiting (up to the predictor's batch size) and runs them as one batch
/// through the shared <see cref="Predictor"/> (one ONNX Runtime session, whose intra-op thread count the host bounds).
/// With one stream this is one image per Run; with many, frames of different streams share a Run.
/// </summary>
public sealed class FrameDetector : IAsyncDisposable
{
    private sealed record Request(Mat Image, int Width, int Height, string Name, TaskCompletionSource<ImagePrediction> Done);

    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _worker;
    private long _runs, _images;

    public FrameDetector(Predictor predictor)
    {
        Predictor = predictor ?? throw new ArgumentNullException(nameof(predictor));
        _worker = new Thread(Work) { IsBackground = true, Name = "seer-video-detector" };
    }

    private int _started;

    public Predictor Predictor { get; }
    /// <summary>Runs so far and images in them (their ratio is the mean batch).</summary>
    public (long Runs, long Images) Counters => (Interlocked.Read(ref _runs), Interlocked.Read(ref _images));

    /// <summary>Detections on <paramref name="image"/> (a shrunk copy of a width×height frame), boxes in frame pixels.</summary>
    public Task<ImagePrediction> DetectAsync(Mat image, int width, int height, string name)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0) _worker.Start(); // the thread starts with the first frame
        var done = new TaskCompletionSource<ImagePrediction>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Request(image, width, height, name, done)))
            done.SetException(new ObjectDisposedException(nameof(FrameDetector)));
        return done.Task;
    }

    private void Work()
    {
        var batch = new List<Request>();
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < Predictor.BatchSize && reader.TryRead(out var r)) batch.Add(r);
            if (batch.Count == 0) continue;
            try
            {
                var results = Predictor.PredictDecoded(batch.Select(r => r.Image).ToList(), batch.Select(r => r.Name).ToList(),
                    batch.Select(r => (r.Width, r.Height)).ToList());
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
        if (Interlocked.Exchange(ref _started, 1) == 1) _worker.Join();
        return ValueTask.CompletedTask;
    }
}
