using Seer.Core.Errors;

namespace Seer.Imaging;

/// <summary>Refuses an encoded image whose header declares more pixels than a cap, before anything decodes it.</summary>
public static class ImagePixelCap
{
    /// <summary>
    /// Reads the header of <paramref name="encoded"/> (JPEG, PNG, GIF, BMP, WebP) and returns it; throws
    /// <see cref="ErrorCodes.InvalidInput"/> when it is not a readable image and <see cref="ErrorCodes.TooLarge"/>
    /// (naming the size and the cap) when width x height exceeds <paramref name="maxPixels"/>.
    /// </summary>
    public static ImageHeader Check(ReadOnlyMemory<byte> encoded, string name, long maxPixels)
    {
        using var stream = new MemoryStream(encoded.ToArray(), writable: false);
        if (!ImageProbe.TryRead(stream, out var header, out string reason))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{name}' is not a readable image: {reason}", name);
        if (header.Pixels > maxPixels)
            throw new SeerException(ErrorCodes.TooLarge,
                $"'{name}' is {header.Width}x{header.Height} = {header.Pixels.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} pixels, " +
                $"over the cap of {maxPixels.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} pixels (Seer:MaxImagePixels)", name);
        return header;
    }
}
