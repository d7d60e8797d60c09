using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seer.Video.Pipeline;

/// <summary>
/// The snapshot event: the best shot of one track. Frames are numbered from 1 in source frames (as in --tracks), the box
/// is in source pixels at <see cref="BestFrame"/>; <see cref="Crop"/> and <see cref="Frame"/> name the images (file
/// names for the disk sink, base64 JPEG for webhook and MQTT).
/// </summary>
public sealed record SnapshotEvent
{
    [JsonPropertyName("stream")] public required string Stream { get; init; }
    [JsonPropertyName("track_id")] public required int TrackId { get; init; }
    [JsonPropertyName("label")] public required string Label { get; init; }
    [JsonPropertyName("score")] public required double Score { get; init; }
    [JsonPropertyName("quality")] public required double Quality { get; init; }
    [JsonPropertyName("first_frame")] public required long FirstFrame { get; init; }
    [JsonPropertyName("best_frame")] public required long BestFrame { get; init; }
    [JsonPropertyName("last_frame")] public required long LastFrame { get; init; }
    /// <summary>UTC time at which the best frame arrived from the decoder (ISO 8601).</summary>
    [JsonPropertyName("time")] public required DateTimeOffset Time { get; init; }
    /// <summary>[x1, y1, x2, y2] in source pixels.</summary>
    [JsonPropertyName("box")] public required double[] Box { get; init; }
    [JsonPropertyName("attributes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? Attributes { get; init; }
    [JsonPropertyName("feature"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? Feature { get; init; }
    [JsonPropertyName("crop")] public string Crop { get; init; } = "";
    [JsonPropertyName("frame")] public string Frame { get; init; } = "";

    /// <summary>Compact JSON (one line), as every sink writes it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SnapshotEvent FromJson(string json) =>
        JsonSerializer.Deserialize<SnapshotEvent>(json, Json) ?? throw new JsonException("null snapshot event");

    internal static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>A snapshot event with its images: the padded crop and the full frame, JPEG, no boxes drawn.</summary>
public sealed record Snapshot(SnapshotEvent Event, byte[] CropJpeg, byte[] FrameJpeg, string Model);

/// <summary>Counters every sink keeps.</summary>
public sealed record SinkStats(long Written, long Failed, long Dropped, long Retries);

/// <summary>Where snapshots go: disk, webhook, MQTT, a dataset. Writes must not block analysis for long.</summary>
public interface ISnapshotSink : IAsyncDisposable
{
    string Name { get; }
    ValueTask WriteAsync(Snapshot snapshot, CancellationToken cancellationToken);
    SinkStats Stats { get; }
}
