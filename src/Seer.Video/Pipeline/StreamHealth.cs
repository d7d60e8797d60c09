using System.Text.Json.Serialization;

namespace Seer.Video.Pipeline;

/// <summary>A stream's health, as the CLI's --json and the server's /api/streams/{id}/health report it.</summary>
public sealed record StreamHealth
{
    [JsonPropertyName("stream")] public required string Stream { get; init; }
    /// <summary>starting, running, reconnecting, ended, stopped or failed.</summary>
    [JsonPropertyName("state")] public required string State { get; init; }
    /// <summary>Frames per second arriving from the decoder (last few seconds).</summary>
    [JsonPropertyName("input_fps")] public double InputFps { get; init; }
    /// <summary>Frames per second analysed (detect + track) (last few seconds).</summary>
    [JsonPropertyName("analysed_fps")] public double AnalysedFps { get; init; }
    /// <summary>Time from a frame's arrival to the end of its analysis, last analysed frame, milliseconds.</summary>
    [JsonPropertyName("lag_ms")] public double LagMs { get; init; }
    [JsonPropertyName("frames")] public long Frames { get; init; }
    [JsonPropertyName("analysed")] public long Analysed { get; init; }
    /// <summary>Frames due for analysis that were dropped because analysis was behind (live sources only).</summary>
    [JsonPropertyName("dropped")] public long Dropped { get; init; }
    [JsonPropertyName("reconnects")] public int Reconnects { get; init; }
    [JsonPropertyName("tracks")] public int Tracks { get; init; }
    [JsonPropertyName("snapshots")] public long Snapshots { get; init; }
    [JsonPropertyName("last_error")] public string? LastError { get; init; }
}
