using Seer.Core.Errors;

namespace Seer.Video.Tracking;

/// <summary>Settings of <see cref="ByteTracker"/>; defaults follow ByteTrack's public MOT17 settings except the lost buffer.</summary>
public sealed record ByteTrackerOptions
{
    /// <summary>Detections at or above this score are "high" and take part in the first association (default 0.5).</summary>
    public float HighThreshold { get; init; } = 0.5f;
    /// <summary>Detections in [LowThreshold, HighThreshold) are "low": only the second association sees them (default 0.1).</summary>
    public float LowThreshold { get; init; } = 0.1f;
    /// <summary>An unmatched high detection starts a track only at or above this score (default 0.6) — birth hysteresis.</summary>
    public float NewTrackThreshold { get; init; } = 0.6f;
    /// <summary>First association (high detections × tracked and lost tracks): minimum IoU (default 0.2).</summary>
    public double FirstMatchIou { get; init; } = 0.2;
    /// <summary>Second association (low detections × still unmatched tracked tracks): minimum IoU (default 0.5).</summary>
    public double SecondMatchIou { get; init; } = 0.5;
    /// <summary>Tentative tracks (born last frame) × remaining high detections: minimum IoU (default 0.3).</summary>
    public double TentativeMatchIou { get; init; } = 0.3;
    /// <summary>Consecutive matched frames before a tentative track is confirmed and gets an id (default 2).</summary>
    public int ConfirmFrames { get; init; } = 2;
    /// <summary>A lost track is kept (and can be re-found) for this many frames without a match (default 45: 1.5 s at 30 fps).</summary>
    public int MaxLostFrames { get; init; } = 45;

    /// <summary>The default settings with the lost buffer set from a duration and the analysed frame rate.</summary>
    public static ByteTrackerOptions ForFrameRate(double fps, double lostSeconds = 2.0) =>
        new() { MaxLostFrames = Math.Max(1, (int)Math.Ceiling(fps * lostSeconds)) };

    public void Validate()
    {
        void Fail(string what) => throw new SeerException(ErrorCodes.InvalidOptions, what);
        if (LowThreshold is < 0 or > 1 || HighThreshold is < 0 or > 1 || LowThreshold > HighThreshold)
            Fail($"tracker thresholds must satisfy 0 <= low ({LowThreshold}) <= high ({HighThreshold}) <= 1");
        if (NewTrackThreshold < HighThreshold) Fail($"tracker new-track threshold ({NewTrackThreshold}) must be >= the high threshold ({HighThreshold})");
        if (FirstMatchIou is <= 0 or > 1 || SecondMatchIou is <= 0 or > 1 || TentativeMatchIou is <= 0 or > 1)
            Fail("tracker match IoUs must be in (0, 1]");
        if (ConfirmFrames < 1) Fail($"tracker confirm frames must be >= 1 (was {ConfirmFrames})");
        if (MaxLostFrames < 0) Fail($"tracker lost buffer must be >= 0 frames (was {MaxLostFrames})");
    }
}
