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
/// Decodes a video file or an RTSP stream with Debian's ffmpeg in a child process that keeps only the frames due for
/// analysis and writes them raw, full resolution, I420 to its stdout (<c>-f rawvideo -pix_fmt yuv420p pipe:1</c>; RTSP
/// over TCP), read by a thread of its own with blocking reads into pooled buffers. Frames go into a channel: for live
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
                dropped => { Interlocked.Increment(ref _dropped); dropped.Release(); })
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

    /// <summary>
    /// Which source frames (0-based) go to analysis: frame n when floor(n·A/B) passes an integer (A = analysis fps,
    /// B = source fps), i.e. exactly A of every B frames, evenly spread; every frame when A ≥ B. ffmpeg's select filter
    /// evaluates the same expression in the same double arithmetic, so <see cref="IsSelected"/> names the source frame
    /// of each frame that comes out of the pipe.
    /// </summary>
    internal static bool IsSelected(long n, double analysisFps, double sourceFps) =>
        n == 0 || Math.Floor(n * analysisFps / sourceFps) > Math.Floor((n - 1) * analysisFps / sourceFps);

    /// <summary>ffmpeg's arguments: decode on one thread, keep only frames due for analysis (select), write I420.</summary>
    internal List<string> Arguments(VideoInfo info)
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-nostdin", "-threads", "1", "-filter_threads", "1" };
        bool network = FfmpegProbe.IsNetwork(_source);
        if (network) args.AddRange(["-rtsp_transport", "tcp", "-timeout", "5000000"]);
        if (_o.Realtime && !network) args.Add("-re");
        if (_o.Loop && !network) args.AddRange(["-stream_loop", "-1"]);
        args.AddRange(["-i", _source, "-an", "-sn", "-dn"]);
        var filters = new List<string>();
        if (info.Width % 2 != 0 || info.Height % 2 != 0) filters.Add($"crop={info.Width & ~1}:{info.Height & ~1}:0:0");
        if (Selecting(info) is var (a, b))
        {
            string A = a.ToString("R", CultureInfo.InvariantCulture), B = b.ToString("R", CultureInfo.InvariantCulture);
            filters.Add($"select='eq(n,0)+gt(floor(n*{A}/{B}),floor((n-1)*{A}/{B}))'");
        }
        if (filters.Count > 0) args.AddRange(["-vf", string.Join(",", filters)]);
        args.AddRange(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]);
        return args;
    }

    private (double Analysis, double Source)? Selecting(VideoInfo info) =>
        _o.AnalysisFps is { } fps && fps < info.Fps ? (fps, info.Fps) : null;

    private async Task DecodeOnceAsync(VideoInfo info, Action onFirstFrame, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(FfmpegProbe.Ffmpeg)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, UseShellExecute = false,
        };
        foreach (var a in Arguments(info)) psi.ArgumentList.Add(a);
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
            WidenPipe(stdout);
            int width = info.Width & ~1, height = info.Height & ~1;
            if (_pool is null || _pool.Width != width || _pool.Height != height) _pool = new FramePool(width, height);
            long offset = FramesRead; // frames of earlier connections (numbers continue across reconnects)
            long n = -1;              // this connection's source frame index of the last frame out of the pipe
            bool first = true;        // no frame yet
            try
            {
                // Cancelling kills ffmpeg, which ends the blocking read below with end-of-file.
                using var stop = cancellationToken.Register(() => { try { p.Kill(true); } catch (InvalidOperationException) { } });
                (n, first) = await Task.Factory.StartNew(() => ReadFrames(stdout, info, _pool, onFirstFrame, cancellationToken),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }
            finally
            {
                if (!p.HasExited) { try { p.Kill(true); } catch (InvalidOperationException) { } }
                await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            string stderr = (await stderrTask.ConfigureAwait(false)).Trim();
            cancellationToken.ThrowIfCancellationRequested();
            // A file decoded to its end: the frames after the last one selected for analysis count too (the container's
            // frame count; without one, frames count up to the last frame that came out of the pipe).
            if (p.ExitCode == 0 && !FfmpegProbe.IsNetwork(_source) && !_o.Loop && info.FrameCount is { } total && total > n + 1)
            {
                _inputRate.Tick((int)(total - n - 1));
                Interlocked.Exchange(ref _frames, offset + total);
            }
            if (p.ExitCode != 0 && first)
                throw new SeerException(ErrorCodes.Unavailable, $"ffmpeg could not decode '{_source}' (exit {p.ExitCode}): {Last(stderr)}", _source);
            if (p.ExitCode != 0) _lastError = $"ffmpeg exit {p.ExitCode}: {Last(stderr)}";
        }
    }

    /// <summary>
    /// Reads frames from ffmpeg's stdout on a thread of its own with blocking reads straight into pooled frame buffers
    /// (one read call per chunk the pipe holds, no async completions or thread-pool hops per chunk: measured at 2.2 CPU ms
    /// per 1280×720 frame with async reads, see docs/video.md "Throughput") and hands each frame to the channel.
    /// Returns this connection's source index of the last frame read (−1: none) and whether no frame came.
    /// </summary>
    private (long Last, bool None) ReadFrames(Stream stdout, VideoInfo info, FramePool pool, Action onFirstFrame, CancellationToken cancellationToken)
    {
        int width = pool.Width, height = pool.Height, frameBytes = VideoFrame.BytesFor(width, height);
        var selecting = Selecting(info);
        long offset = FramesRead; // frames of earlier connections (numbers continue across reconnects)
        long n = -1;
        bool first = true;
        while (true)
        {
            var buffer = pool.Rent();
            int got;
            try { got = ReadFull(stdout, buffer); }
            catch { pool.Return(buffer); throw; }
            if (got < frameBytes || cancellationToken.IsCancellationRequested) { pool.Return(buffer); break; } // end of stream (a torn last frame is not a frame)
            long previous = n;
            n++;
            if (selecting is var (a, b)) while (!IsSelected(n, a, b)) n++;
            long number = offset + n + 1;
            Interlocked.Exchange(ref _frames, number);
            _inputRate.Tick((int)(n - previous));
            if (first) { first = false; onFirstFrame(); }
            Interlocked.Increment(ref _selected);
            var frame = new VideoFrame(number, buffer, width, height, n / info.Fps, DateTimeOffset.UtcNow) { Pool = pool };
            try
            {
                if (!_channel.Writer.TryWrite(frame)) _channel.Writer.WriteAsync(frame, cancellationToken).AsTask().GetAwaiter().GetResult();
            }
            catch { frame.Release(); throw; }
        }
        return (n, first);
    }

    private static int ReadFull(Stream s, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private FramePool? _pool;

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    /// <summary>
    /// Asks for a 1 MB pipe buffer (Linux' default is 64 KB) so ffmpeg writes a frame in a few large writes instead of
    /// many small ones, each a context switch; silently keeps the default where that is not allowed.
    /// </summary>
    private static void WidenPipe(Stream stdout)
    {
        if (!OperatingSystem.IsLinux()) return;
        var handle = stdout switch
        {
            FileStream f => (System.Runtime.InteropServices.SafeHandle)f.SafeFileHandle,
            System.IO.Pipes.PipeStream p => p.SafePipeHandle,
            _ => null,
        };
        if (handle is null || handle.IsInvalid) return;
        _ = fcntl((int)handle.DangerousGetHandle(), SetPipeSize, 1 << 20);
    }

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no message)" : lines[^1].Trim();
    }

    internal static string Invariant(double v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Events per second over the last few seconds (a ring of timestamps).</summary>
internal sealed class RateMeter
{
    private readonly Queue<(long At, int Count)> _ticks = new();
    private readonly Lock _lock = new();
    private long _count;
    private const double WindowSeconds = 3;

    /// <summary>Counts <paramref name="count"/> events now (the decoder ticks every source frame, selected or not).</summary>
    public void Tick(int count = 1)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _ticks.Enqueue((now, count));
            _count += count;
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
            // Events after the oldest kept tick over the time since it.
            double span = Math.Max((now - _ticks.Peek().At) / (double)Stopwatch.Frequency, 1e-3);
            return (_count - _ticks.Peek().Count) / span;
        }
    }

    private void Trim(long now)
    {
        long limit = now - (long)(WindowSeconds * Stopwatch.Frequency);
        while (_ticks.Count > 0 && _ticks.Peek().At < limit) _count -= _ticks.Dequeue().Count;
    }
}
