using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Mining.Inputs;

namespace Seer.Mining.Pool;

/// <summary>
/// The augmented copy the consistency strategy compares against: the image mirrored left–right (re-encoded as PNG, so
/// no compression noise is added), and the mapping of the copy's detections back to original coordinates.
/// </summary>
public static class FlipView
{
    public const string Kind = "hflip";

    public static byte[] FlipHorizontal(PoolImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var decoded = Cv2.ImDecode(image.Bytes, ImreadModes.Color);
        if (decoded.Empty())
            throw new SeerException(ErrorCodes.InvalidInput, $"image '{image.Name}' cannot be decoded", image.Name);
        using var flipped = new Mat();
        Cv2.Flip(decoded, flipped, FlipMode.Y);
        return flipped.ImEncode(".png");
    }

    /// <summary>Maps the flipped copy's output back: boxes mirrored about the vertical centre line of an image <paramref name="width"/> wide.</summary>
    public static ModelOutput MapBack(ModelOutput flipped, int width) => flipped with
    {
        Detections = flipped.Detections
            .Select(d => d with { Box = new BoxXyxy(width - d.Box.X2, d.Box.Y1, width - d.Box.X1, d.Box.Y2) }).ToList(),
    };
}
