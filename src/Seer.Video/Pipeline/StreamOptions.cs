using Seer.Core.Errors;

namespace Seer.Video.Pipeline;

/// <summary>What one analysed stream does: source, analysis rate, filters, best-shot policy, tracks file.</summary>
public sealed record StreamOptions
{
    /// <summary>Name of the stream in events and health (default: derived from the source).</summary>
    public required string Name { get; init; }
    /// <summary>A video file path or an rtsp:// URL.</summary>
    public required string Source { get; init; }
    /// <summary>Frames analysed per second (null: every frame).</summary>
    public double? AnalysisFps { get; init; }
    /// <summary>Class names kept (null or empty: all).</summary>
    public IReadOnlyList<string>? Classes { get; init; }
    /// <summary>Detections whose box is narrower or lower than this (pixels) are ignored.</summary>
    public double MinSize { get; init; }
    /// <summary>Tracks whose best shot scores below this quality are not emitted.</summary>
    public double MinQuality { get; init; }
    /// <summary>Polygon zones (source pixels); when any is given, only detections with their centre inside one are kept.</summary>
    public IReadOnlyList<Zone> Zones { get; init; } = [];
    /// <summary>Emit a snapshot every this many seconds for long tracks (null: only when the track ends).</summary>
    public double? SnapshotIntervalSeconds { get; init; }
    /// <summary>Padding of the crop around the box, as a fraction of the box size on each side (default 0.2).</summary>
    public double CropPadding { get; init; } = 0.2;
    /// <summary>A lost track keeps its id for this long (default 2 s).</summary>
    public double LostSeconds { get; init; } = 2;
    /// <summary>Write MOTChallenge results (frame,id,x,y,w,h,score,-1,-1,-1; source frames from 1) here.</summary>
    public string? TracksPath { get; init; }
    /// <summary>Decoder settings (real-time reading of files, looping, reconnect backoff).</summary>
    public FrameSourceOptions Decoder { get; init; } = new();

    public void Validate()
    {
        void Fail(string what) => throw new SeerException(ErrorCodes.InvalidOptions, what);
        if (string.IsNullOrWhiteSpace(Name)) Fail("stream name must not be empty");
        if (AnalysisFps is { } f && !(f > 0 && double.IsFinite(f))) Fail($"--fps must be > 0 (was {f})");
        if (MinSize < 0) Fail($"--min-size must be >= 0 (was {MinSize})");
        if (MinQuality is < 0 or > 1) Fail($"--min-quality must be in [0, 1] (was {MinQuality})");
        if (SnapshotIntervalSeconds is { } i && !(i > 0)) Fail($"snapshot interval must be > 0 s (was {i})");
        if (CropPadding is < 0 or > 2) Fail($"crop padding must be in [0, 2] (was {CropPadding})");
        if (!(LostSeconds > 0)) Fail($"lost buffer must be > 0 s (was {LostSeconds})");
    }

    /// <summary>A readable stream name from a source: the file name without extension, or host + path of a URL.</summary>
    public static string NameFor(string source)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var u) && !u.IsFile)
            return (u.Host + u.AbsolutePath).Replace('/', '_').Trim('_');
        return Path.GetFileNameWithoutExtension(source);
    }
}
