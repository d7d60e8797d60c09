using Seer.Inference;

namespace Seer.Video.Pipeline;

/// <summary>The outcome of <see cref="VideoRunner.RunAsync"/>: each stream's final health and each sink's counters.</summary>
public sealed record VideoRunResult(IReadOnlyList<StreamHealth> Streams, IReadOnlyDictionary<string, SinkStats> Sinks, double Seconds);

/// <summary>
/// Runs several streams at once with one shared predictor behind one <see cref="FrameDetector"/> (frames of different
/// streams batched into one ONNX Runtime Run, up to the predictor's batch size; or one face bundle) and shared sinks, until every file has
/// ended or <c>maxSeconds</c> has passed (network streams run until then or until cancelled).
/// The sinks are flushed and disposed at the end.
/// </summary>
public sealed class VideoRunner
{
    private readonly List<StreamAnalyzer> _streams;
    private readonly IReadOnlyList<ISnapshotSink> _sinks;
    private readonly FrameDetector _detector;

    public VideoRunner(IEnumerable<StreamOptions> streams, Predictor predictor, IReadOnlyList<ISnapshotSink> sinks, SnapshotModels? models = null)
        : this(streams, new FrameDetector(predictor), sinks, models) { }

    /// <summary>Streams detecting with <paramref name="detector"/> (an object detector or a face bundle); the runner disposes it at the end.</summary>
    public VideoRunner(IEnumerable<StreamOptions> streams, FrameDetector detector, IReadOnlyList<ISnapshotSink> sinks, SnapshotModels? models = null)
    {
        _sinks = sinks;
        var options = streams.ToList();
        foreach (var o in options) o.Validate();
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _streams = options.Select(s => new StreamAnalyzer(s, _detector, sinks, models)).ToList();
        var dup = _streams.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions, $"two streams are named '{dup.Key}'; give sources distinct names");
    }

    public IReadOnlyList<StreamAnalyzer> Streams => _streams;
    /// <summary>The shared detector (its counters give the mean batch).</summary>
    public FrameDetector Detector => _detector;

    public async Task<VideoRunResult> RunAsync(double? maxSeconds, CancellationToken cancellationToken)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (maxSeconds is { } s) cts.CancelAfter(TimeSpan.FromSeconds(s));
        Exception? first = null;
        try
        {
            var tasks = _streams.Select(a => Task.Run(() => a.RunAsync(cts.Token), CancellationToken.None)).ToList();
            try { await Task.WhenAll(tasks).ConfigureAwait(false); }
            catch (Exception) { first = tasks.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null); }
        }
        finally
        {
            await _detector.DisposeAsync().ConfigureAwait(false);
            foreach (var sink in _sinks) await sink.DisposeAsync().ConfigureAwait(false);
        }
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        return new VideoRunResult(_streams.Select(a => a.Health).ToList(),
            _sinks.ToDictionary(k => k.Name, k => k.Stats), sw.Elapsed.TotalSeconds);
    }
}
