namespace Seer.Imaging;

/// <summary>An image's container format and pixel size, as read from its header.</summary>
public readonly record struct ImageHeader(string Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}
