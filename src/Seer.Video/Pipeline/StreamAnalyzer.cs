using System.Diagnostics;
using OpenCvSharp;
using Seer.Core.Geometry;
using Seer.Inference;
using Seer.Video.Mot;
using Seer.Video.Tracking;

namespace Seer.Video.Pipeline;

/// <summary>
/// One stream's pipeline: ffmpeg frames (only those due for analysis, full resolution, I420) → shrunk to the detector's
/// resize size and detected through the shared <see cref="FrameDetector"/> (batched across streams; Seer's one
/// predictor) → class, size and zone filters → <see cref="ByteTracker"/> → best shot per track (<see cref="ShotQuality"/>
/// on the full-resolution luma plane; the best frame is kept by reference) → snapshot events (crop and frame cut from the
/// full-resolution best frame, optional attributes and feature) to every sink when a track ends, each interval for long
/// tracks, and for every live track when the stream ends. Health is readable at any time from other threads.
/// </summary>
public sealed class StreamAnalyzer
{
    private readonly StreamOptions _o;
    private readonly FrameDetector _detector;
    private readonly bool _ownsDetector;
    private readonly SnapshotModels _models;
    private readonly IReadOnlyList<ISnapshotSink> _sinks;
    private readonly FfmpegFrameSource _source;
    private readonly Dictionary<int, TrackShot> _shots = [];
    private readonly RateMeter _analysedRate = new();
    private readonly HashSet<string>? _classes;
    private long _analysed, _snapshots, _belowQuality;
    private double _lagMs, _maxLagMs;
    private volatile string? _error;
    private volatile bool _finished;
    private int _liveTracks;
    private readonly HashSet<int> _allTracks = [];

    /// <summary>A stream with its own detector (one image per Run), disposed when the stream ends.</summary>
    public StreamAnalyzer(StreamOptions options, Predictor predictor, IReadOnlyList<ISnapshotSink> sinks, SnapshotModels? models = null)
        : this(options, new FrameDetector(predictor ?? throw new ArgumentNullException(nameof(predictor))), true, sinks, models) { }

    /// <summary>A stream using <paramref name="detector"/> (shared with other streams and their batches; the caller disposes it).</summary>
    public StreamAnalyzer(StreamOptions options, FrameDetector detector, IReadOnlyList<ISnapshotSink> sinks, SnapshotModels? models = null)
        : this(options, detector ?? throw new ArgumentNullException(nameof(detector)), false, sinks, models) { }

    private StreamAnalyzer(StreamOptions options, FrameDetector detector, bool owns, IReadOnlyList<ISnapshotSink> sinks, SnapshotModels? models)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _detector = detector;
        _ownsDetector = owns;
        _o = options;
        _models = models ?? SnapshotModels.None;
        if (detector.Faces is { EmbeddingDimension: not null } && _models.Features is not null)
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions,
                $"face bundle '{detector.ModelPath}' gives snapshots its own embedding as \"feature\"; drop the features model");
        _sinks = sinks;
        var decoder = options.Decoder with { AnalysisFps = options.AnalysisFps };
        _source = new FfmpegFrameSource(options.Source, decoder);
        _classes = options.Classes is { Count: > 0 } c ? new HashSet<string>(c, StringComparer.Ordinal) : null;
        if (_classes is not null)
        {
            var unknown = _classes.Where(x => !detector.ClassNames.Contains(x)).ToList();
            if (unknown.Count > 0)
                throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidOptions,
                    $"--classes names {string.Join(", ", unknown)}, which model '{detector.ModelPath}' does not have (it has {string.Join(", ", detector.ClassNames)})");
        }
    }

    public string Name => _o.Name;
    public StreamOptions Options => _o;
    /// <summary>Tracks (confirmed ids) seen so far.</summary>
    public int TrackCount { get { lock (_allTracks) return _allTracks.Count; } }
    /// <summary>Tracks whose best shot stayed below --min-quality (not emitted).</summary>
    public long BelowQuality => Interlocked.Read(ref _belowQuality);

    /// <summary>The largest lag (ms) since the stream started or <see cref="ResetMaxLag"/> (benchmarks).</summary>
    public double MaxLagMs => Volatile.Read(ref _maxLagMs);
    public void ResetMaxLag() => Volatile.Write(ref _maxLagMs, 0);
    /// <summary>Called with each analysed frame's lag in ms (arrival from the decoder to the end of its analysis), on
    /// the stream's thread (benchmarks: lag distributions).</summary>
    public Action<double>? LagObserver { get; set; }

    public StreamHealth Health => new()
    {
        Stream = _o.Name,
        // The decoder may have ended while analysis still drains its last frames and emits the live tracks: "running" until then.
        State = _error is not null ? "failed" : _finished ? (_source.State == "stopped" ? "stopped" : "ended")
            : _source.State is "ended" or "stopped" ? "running" : _source.State,
        InputFps = Math.Round(_source.InputFps, 2),
        AnalysedFps = Math.Round(_analysedRate.Rate(), 2),
        LagMs = Math.Round(Volatile.Read(ref _lagMs), 1),
        Frames = _source.FramesRead,
        Analysed = Interlocked.Read(ref _analysed),
        Dropped = _source.Dropped,
        Reconnects = _source.Reconnects,
        Tracks = Volatile.Read(ref _liveTracks),
        Snapshots = Interlocked.Read(ref _snapshots),
        LastError = _error ?? _source.LastError,
    };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var detector = _detector;
        var decode = Task.Run(() => _source.RunAsync(cancellationToken), CancellationToken.None);
        StreamWriter? tracks = null;
        string? tracksTmp = null;
        try
        {
            if (_o.TracksPath is { } tp)
            {
                string full = Path.GetFullPath(tp);
                tracksTmp = full + ".tmp-" + Environment.ProcessId + "-" + _o.Name.GetHashCode(StringComparison.Ordinal).ToString("x");
                tracks = new StreamWriter(tracksTmp, false, new System.Text.UTF8Encoding(false));
            }
            ByteTracker? tracker = null;
            long lastFrame = 0;
            try
            {
                await foreach (var frame in _source.Frames.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    tracker ??= new ByteTracker(ByteTrackerOptions.ForFrameRate(
                        Math.Min(_o.AnalysisFps ?? double.MaxValue, _source.Info?.Fps ?? 25), _o.LostSeconds));
                    try { await AnalyseAsync(detector, frame, tracker, tracks, cancellationToken).ConfigureAwait(false); }
                    finally { frame.Release(); } // tracks that keep it as their best shot hold their own reference
                    lastFrame = frame.Number;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
            await decode.ConfigureAwait(false);
            if (_source.State == "failed" && _source.LastError is { } err && Interlocked.Read(ref _analysed) == 0) _error = err;
            // Stream over: every live track ends now.
            foreach (var id in _shots.Keys.ToList()) await EmitAsync(id, final: true, CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _liveTracks, 0);
            if (tracks is not null)
            {
                await tracks.DisposeAsync().ConfigureAwait(false);
                tracks = null;
                File.Move(tracksTmp!, Path.GetFullPath(_o.TracksPath!), overwrite: true);
            }
            _ = lastFrame;
        }
        finally
        {
            if (_ownsDetector) await detector.DisposeAsync().ConfigureAwait(false);
            _finished = true;
            if (tracks is not null) await tracks.DisposeAsync().ConfigureAwait(false);
            if (tracksTmp is not null && File.Exists(tracksTmp)) File.Delete(tracksTmp);
        }
        if (_error is not null && _source.State == "failed")
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.Unavailable, $"stream '{_o.Name}': {_error}", _o.Source);
    }

    private async Task AnalyseAsync(FrameDetector detector, VideoFrame frame, ByteTracker tracker, StreamWriter? tracks, CancellationToken ct)
    {
        var found = await detector.DetectAsync(frame, _o.Name).ConfigureAwait(false);
        using var grey = frame.Grey();
        var kept = new List<FrameObject>(found.Count);
        var inputs = new List<TrackerInput>(found.Count);
        foreach (var o in found)
        {
            var d = o.Detection;
            if (_classes is not null && !_classes.Contains(d.Label)) continue;
            if (d.Box.Width < _o.MinSize || d.Box.Height < _o.MinSize) continue;
            if (_o.Zones.Count > 0 && !_o.Zones.Any(z => z.Contains(d.Box.CenterX, d.Box.CenterY))) continue;
            kept.Add(o);
            inputs.Add(new TrackerInput(d.Box, d.Score, d.ClassId));
        }
        var outputs = tracker.Update(inputs);
        foreach (var t in outputs)
        {
            var (det, face) = kept[t.DetectionIndex];
            tracks?.WriteLine(MotFile.FormatResult((int)frame.Number, t.TrackId, t.Box, t.Score));
            if (!_shots.TryGetValue(t.TrackId, out var shot))
            {
                _shots[t.TrackId] = shot = new TrackShot { TrackId = t.TrackId, Label = det.Label, FirstFrame = frame.Number, WindowStart = frame.Number };
                lock (_allTracks) _allTracks.Add(t.TrackId);
            }
            shot.LastFrame = frame.Number;
            var box = det.Box.Clip(frame.Width, frame.Height);
            // A face's quality is the face pipeline's (size, sharpness of the aligned crop, pose from the landmarks, brightness).
            double q = face?.Quality.Score ?? ShotQuality.Of(grey, det.Box, det.Score);
            if (q > shot.BestQuality)
            {
                shot.BestQuality = q; shot.BestFrame = frame.Number; shot.BestBox = box; shot.BestScore = det.Score; shot.BestFace = face;
                shot.BestImage?.Release();
                shot.BestImage = frame.Retain(); shot.Label = det.Label;
            }
            if (_o.SnapshotIntervalSeconds is { } interval && _source.Info is { } info
                && (frame.Number - shot.WindowStart) / info.Fps >= interval)
                await EmitAsync(t.TrackId, final: false, ct).ConfigureAwait(false);
        }
        foreach (int id in tracker.Ended) await EmitAsync(id, final: true, ct).ConfigureAwait(false);
        Volatile.Write(ref _liveTracks, tracker.LiveIds.Count);
        Interlocked.Increment(ref _analysed);
        _analysedRate.Tick();
        double lag = (DateTimeOffset.UtcNow - frame.ReceivedAt).TotalMilliseconds;
        Volatile.Write(ref _lagMs, lag);
        if (lag > Volatile.Read(ref _maxLagMs)) Volatile.Write(ref _maxLagMs, lag);
        LagObserver?.Invoke(lag);
    }

    private async Task EmitAsync(int trackId, bool final, CancellationToken ct)
    {
        if (!_shots.TryGetValue(trackId, out var shot)) return;
        if (final) _shots.Remove(trackId);
        if (shot.BestImage is not { } image) return;
        shot.BestImage = null; // this method now holds the shot's reference and releases it at the end
        try { await EmitCoreAsync(shot, image, trackId, final, ct).ConfigureAwait(false); }
        finally { image.Release(); }
    }

    private async Task EmitCoreAsync(TrackShot shot, VideoFrame image, int trackId, bool final, CancellationToken ct)
    {
        var ev = new SnapshotEvent
        {
            Stream = _o.Name, TrackId = trackId, Label = shot.Label, Score = Math.Round(shot.BestScore, 4),
            Quality = Math.Round(shot.BestQuality, 4), FirstFrame = shot.FirstFrame, BestFrame = shot.BestFrame,
            LastFrame = shot.LastFrame, Time = image.ReceivedAt,
            Box = [Math.Round(shot.BestBox.X1, 2), Math.Round(shot.BestBox.Y1, 2), Math.Round(shot.BestBox.X2, 2), Math.Round(shot.BestBox.Y2, 2)],
        };
        if (!final)
        {
            // Interval snapshot of a long track: a new window starts with the next frame.
            shot.BestQuality = -1; shot.WindowStart = shot.LastFrame + 1;
        }
        if (ev.Quality < _o.MinQuality) { Interlocked.Increment(ref _belowQuality); return; }
        using var mat = image.ToBgr();
        var rect = ShotQuality.PaddedRect(new BoxXyxy(ev.Box[0], ev.Box[1], ev.Box[2], ev.Box[3]), _o.CropPadding, image.Width, image.Height);
        using var crop = new Mat(mat, rect);
        if (_models.Attributes is { } attributes)
        {
            var classes = attributes.PredictDecoded([crop], [_o.Name])[0].Classes;
            ev = ev with { Attributes = classes.ToDictionary(c => c.Label, c => Math.Round(c.Score, 4), StringComparer.Ordinal) };
        }
        if (_models.Features is { } features)
        {
            var vector = features.PredictDecoded([crop], [_o.Name])[0].Embedding
                ?? throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.InvalidInput,
                    $"--features model '{features.Model.Path}' gave no feature vector", features.Model.Path);
            ev = ev with { Feature = vector };
        }
        else if (_detector.Faces is { } faces && shot.BestFace is { } face && faces.Embed(mat, face.Landmarks, _o.Name) is { } embedding)
            ev = ev with { Feature = embedding }; // the aligned 112×112 face's embedding (L2-normalised)
        var jpeg = new ImageEncodingParam(ImwriteFlags.JpegQuality, 90);
        var snapshot = new Snapshot(ev, crop.ImEncode(".jpg", jpeg), mat.ImEncode(".jpg", jpeg), _detector.ModelPath);
        foreach (var sink in _sinks) await sink.WriteAsync(snapshot, ct).ConfigureAwait(false);
        Interlocked.Increment(ref _snapshots);
    }

    internal static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
}
