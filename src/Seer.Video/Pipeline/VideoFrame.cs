namespace Seer.Video.Pipeline;

/// <summary>
/// One decoded frame: BGR24 pixels (row-major, no padding), its number in the source (from 1, counting every frame the
/// decoder delivered, across reconnects), its time in the source (seconds) and when it arrived.
/// </summary>
public sealed record VideoFrame(long Number, byte[] Bgr, int Width, int Height, double SourceSeconds, DateTimeOffset ReceivedAt);
