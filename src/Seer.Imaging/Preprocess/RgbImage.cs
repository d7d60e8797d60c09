namespace Seer.Imaging.Preprocess;

/// <summary>
/// An 8-bit RGB image in memory, rows top to bottom, pixels interleaved (HWC, R G B). The shared currency of
/// pre-processing: training and inference decode, resize and letterbox into this type, then normalise to tensors.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != width * height * 3)
            throw new ArgumentException($"pixels has {pixels.Length} bytes, expected {width}x{height}x3", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>HWC RGB bytes, length Width * Height * 3.</summary>
    public byte[] Pixels { get; }

    /// <summary>A new image of the given size filled with one grey value.</summary>
    public static RgbImage Filled(int width, int height, byte value)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, value);
        return new RgbImage(width, height, pixels);
    }
}
