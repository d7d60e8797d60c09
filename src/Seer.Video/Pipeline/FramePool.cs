using System.Collections.Concurrent;

namespace Seer.Video.Pipeline;

/// <summary>
/// Pinned frame buffers of one size, reused: a stream allocates a full-resolution buffer only when every earlier one is
/// still held (being analysed, waiting in the slot, or some track's best shot), so the steady state allocates nothing
/// and the GC has no large pinned buffers to sweep. At most <see cref="MaxKept"/> idle buffers are kept.
/// </summary>
internal sealed class FramePool(int width, int height)
{
    private readonly ConcurrentBag<byte[]> _free = [];
    public const int MaxKept = 16;
    public int Width { get; } = width;
    public int Height { get; } = height;

    public byte[] Rent() => _free.TryTake(out var b) ? b : VideoFrame.NewBuffer(Width, Height);

    public void Return(byte[] buffer)
    {
        if (buffer.Length == VideoFrame.BytesFor(Width, Height) && _free.Count < MaxKept) _free.Add(buffer);
    }
}
