using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Seer.Core.Errors;

namespace Seer.Video.Pipeline;

/// <summary>Settings of a <see cref="FfmpegFrameSource"/>.</summary>
public sealed record FrameSourceOptions
{
    /// <summary>Frames per second handed to analysis (null: every frame). Frames in between are skipped, not counted as dropped.</summary>
    public double? AnalysisFps { get; init; }
    /// <summary>Read a file at its own frame rate (ffmpeg -re) and drop frames when analysis is behind, like a live stream.</summary>
    public bool Realtime { get; init; }
    /// <summary>Loop a file forever (ffmpeg -stream_loop -1; benchmarks).</summary>
    public bool Loop { get; init; }
    /// <summary>First and longest wait before reconnecting a dropped network stream (doubling in between).</summary>
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(8);
    /// <summary>ffprobe's answer time limit (network streams).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Decodes a video file or an RTSP stream with Debian's ffmpeg in a child process that writes raw BGR24 frames to its
/// stdout (<c>-f rawvideo -pix_fmt bgr24 pipe:1</c>; RTSP over TCP). Frames due for analysis go into a channel: for live
/// sources (RTSP, or a file read in real time) a channel of one frame that drops the older frame when analysis has not
/// taken it yet (counted in <see cref="Dropped"/>), so lag cannot grow; for files a small blocking channel (nothing is
/// dropped, decoding waits for analysis). A network stream that ends or fails is reopened with exponential backoff
/// (<see cref="Reconnects"/> counts reopenings that delivered frames again); a file ends at its end.
/// </summary>
public sealed class FfmpegFrameSource
{
    private readonly string _source;
    private readonly FrameSourceOptions _o;
    private readonly Channel<VideoFrame> _channel;
    private long _frames, _dropped, _selected;
    private int _reconnects;
    private volatile string _state = "starting";
    private volatile string? _lastError;
    private readonly RateMeter _inputRate = new();

    public FfmpegFrameSource(string source, FrameSourceOptions? options = null)
    {
        _source = source;
        _o = options ?? new FrameSourceOptions();
        if (_o.AnalysisFps is { } f && !(f > 0)) throw new SeerException(ErrorCodes.InvalidOptions, $"--fps must be > 0 (was {f})");
        IsLive = FfmpegProbe.IsNetwork(source) || _o.Realtime;
        _channel = IsLive
            ? Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
                _ => Interlocked.Increment(ref _dropped))
            : Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
    }

    public string Source => _source;
    public bool IsLive { get; }
    public VideoInfo? Info { get; private set; }
    public ChannelReader<VideoFrame> Frames => _channel.Reader;
    public long FramesRead => Interlocked.Read(ref _frames);
    public long Dropped => Interlocked.Read(ref _dropped);
    public int Reconnects => _reconnects;
    public string State => _state;
    public string? LastError => _lastError;
    public double InputFps => _inputRate.Rate();

    /// <summary>Probes and decodes until the file ends, or (network) until cancelled; completes <see cref="Frames"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            var delay = _o.ReconnectMin;
            bool everConnected = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                long before = FramesRead;
                try
                {
                    Info ??= await FfmpegProbe.ProbeAsync(_source, _o.ProbeTimeout, cancellationToken).ConfigureAwait(false);
                    await DecodeOnceAsync(Info.Value, () =>
                    {
                        if (everConnected) Interlocked.Increment(ref _reconnects);
                        everConnected = true;
                        _state = "running";
                        delay = _o.ReconnectMin;
                    }, cancellationToken).ConfigureAwait(false);
                    if (!FfmpegProbe.IsNetwork(_source)) break; // a file ended
                    _lastError = "stream ended";
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { break; }
                catch (SeerException ex) when (FfmpegProbe.IsNetwork(_source) && ex.Code != ErrorCodes.InvalidOptions)
                {
                    _lastError = ex.Message;
                }
                if (!FfmpegProbe.IsNetwork(_source)) break;
                _state = "reconnecting";
                try { await Task.Delay(delay, cancellationToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _o.ReconnectMax.Ticks));
                _ = before;
            }
            _state = cancellationToken.IsCancellationRequested ? "stopped" : "ended";
        }
        catch (Exception ex) when (ex is SeerException or IOException or InvalidOperationException)
        {
            failure = ex;
            _lastError = ex.Message;
            _state = "failed";
        }
        finally
        {
            _channel.Writer.TryComplete(failure);
        }
    }

    private async Task DecodeOnceAsync(VideoInfo info, Action onFirstFrame, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(FfmpegProbe.Ffmpeg)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, UseShellExecute = false,
        };
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-nostdin" };
        if (FfmpegProbe.IsNetwork(_source)) args.AddRange(["-rtsp_transport", "tcp", "-timeout", "5000000"]);
        if (_o.Realtime && !FfmpegProbe.IsNetwork(_source)) args.Add("-re");
        if (_o.Loop && !FfmpegProbe.IsNetwork(_source)) args.AddRange(["-stream_loop", "-1"]);
        args.AddRange(["-i", _source, "-an", "-sn", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"]);
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SeerException(ErrorCodes.Unavailable, $"ffmpeg cannot be started ({ex.Message}); install Debian's ffmpeg (scripts/install-deps.sh)", _source, ex);
        }
        using (p)
        {
            var stderrTask = p.StandardError.ReadToEndAsync(CancellationToken.None);
            var stdout = p.StandardOutput.BaseStream;
            int frameBytes = checked(info.Width * info.Height * 3);
            var scratch = new byte[frameBytes];
            double interval = _o.AnalysisFps is { } fps && fps < info.Fps ? 1.0 / fps : 0;
            double nextDue = double.NegativeInfinity;
            bool first = true;
            try
            {
                while (true)
                {
                    long number = FramesRead + 1;
                    double t = (number - 1) / info.Fps;
                    bool due = interval == 0 || t >= nextDue - 1e-9;
                    var buffer = due ? new byte[frameBytes] : scratch;
                    int got = await ReadFullAsync(stdout, buffer, cancellationToken).ConfigureAwait(false);
                    if (got < frameBytes) break; // end of stream (a torn last frame is not a frame)
                    Interlocked.Increment(ref _frames);
                    _inputRate.Tick();
                    if (first) { first = false; onFirstFrame(); }
                    if (!due) continue;
                    nextDue = interval == 0 ? t : double.IsNegativeInfinity(nextDue) ? t + interval : Math.Max(nextDue + interval, t + interval / 2);
                    Interlocked.Increment(ref _selected);
                    var frame = new VideoFrame(number, buffer, info.Width, info.Height, t, DateTimeOffset.UtcNow);
                    await _channel.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (!p.HasExited) { try { p.Kill(true); } catch (InvalidOperationException) { } }
                await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            string stderr = (await stderrTask.ConfigureAwait(false)).Trim();
            cancellationToken.ThrowIfCancellationRequested();
            if (p.ExitCode != 0 && first)
                throw new SeerException(ErrorCodes.Unavailable, $"ffmpeg could not decode '{_source}' (exit {p.ExitCode}): {Last(stderr)}", _source);
            if (p.ExitCode != 0) _lastError = $"ffmpeg exit {p.ExitCode}: {Last(stderr)}";
        }
    }

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no message)" : lines[^1].Trim();
    }

    private static async Task<int> ReadFullAsync(Stream s, byte[] buffer, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await s.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    internal static string Invariant(double v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Events per second over the last few seconds (a ring of timestamps).</summary>
internal sealed class RateMeter
{
    private readonly Queue<long> _ticks = new();
    private readonly Lock _lock = new();
    private const double WindowSeconds = 3;

    public void Tick()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _ticks.Enqueue(now);
            Trim(now);
        }
    }

    public double Rate()
    {
        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            Trim(now);
            if (_ticks.Count < 2) return 0;
            double span = Math.Max((now - _ticks.Peek()) / (double)Stopwatch.Frequency, 1e-3);
            return _ticks.Count / Math.Max(span, Math.Min(WindowSeconds, span));
        }
    }

    private void Trim(long now)
    {
        long limit = now - (long)(WindowSeconds * Stopwatch.Frequency);
        while (_ticks.Count > 0 && _ticks.Peek() < limit) _ticks.Dequeue();
    }
}
