using System.Diagnostics;
using System.Globalization;
using Seer.Core.Errors;

namespace Seer.Video.Pipeline;

/// <summary>Size and frame rate of a video's first video stream, and its frame count when the container states it (files).</summary>
public readonly record struct VideoInfo(int Width, int Height, double Fps, long? FrameCount = null);

/// <summary>Reads a source's video size and frame rate with Debian's ffprobe.</summary>
public static class FfmpegProbe
{
    /// <summary>The ffmpeg and ffprobe executables (default: the ones on PATH; Debian installs them in /usr/bin).</summary>
    public static string Ffmpeg { get; set; } = "ffmpeg";
    public static string Ffprobe { get; set; } = "ffprobe";

    public static bool IsNetwork(string source) =>
        source.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase);

    public static async Task<VideoInfo> ProbeAsync(string source, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsNetwork(source) && !File.Exists(source))
            throw new SeerException(ErrorCodes.NotFound, $"video '{source}' does not exist", source);
        var info = new ProcessStartInfo(Ffprobe)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in (string[])["-v", "error"]) info.ArgumentList.Add(a);
        if (IsNetwork(source)) { info.ArgumentList.Add("-rtsp_transport"); info.ArgumentList.Add("tcp"); }
        foreach (var a in (string[])["-select_streams", "v:0", "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,nb_frames", "-of", "csv=p=0", source])
            info.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SeerException(ErrorCodes.Unavailable, $"ffprobe cannot be started ({ex.Message}); install Debian's ffmpeg (scripts/install-deps.sh)", source, ex);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try { await p.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
            catch (OperationCanceledException)
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                cancellationToken.ThrowIfCancellationRequested();
                throw new SeerException(ErrorCodes.Unavailable, $"video '{source}' did not answer within {timeout.TotalSeconds:0} s", source);
            }
            string line = (await stdout.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
            var f = line.Split(',');
            if (p.ExitCode != 0 || f.Length < 4 || !int.TryParse(f[0], out int w) || !int.TryParse(f[1], out int h) || w <= 0 || h <= 0)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"video '{source}' has no readable video stream: {(await stderr.ConfigureAwait(false)).Trim()}", source);
            double fps = Rate(f[3]);
            if (!(fps > 0 && fps < 1000)) fps = Rate(f[2]);
            if (!(fps > 0 && fps < 1000)) fps = 25;
            long? count = f.Length > 4 && long.TryParse(f[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out long c) && c > 0 ? c : null;
            return new VideoInfo(w, h, fps, count);
        }
    }

    private static double Rate(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0) return n / d;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : 0;
    }
}
