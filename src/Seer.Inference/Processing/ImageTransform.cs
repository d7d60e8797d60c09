using Seer.Core.Geometry;

namespace Seer.Inference.Processing;

/// <summary>
/// How an original image maps onto the network input: input = original · scale + pad (per axis). Letterbox uses one
/// scale for both axes and centres the image; stretch uses two scales and no pad.
/// </summary>
public readonly record struct ImageTransform(double ScaleX, double ScaleY, double PadX, double PadY,
    int OriginalWidth, int OriginalHeight)
{
    /// <summary>A box in network-input pixels back to original-image pixels, clipped to the image.</summary>
    public BoxXyxy ToOriginal(double x1, double y1, double x2, double y2) => new BoxXyxy(
        (x1 - PadX) / ScaleX, (y1 - PadY) / ScaleY, (x2 - PadX) / ScaleX, (y2 - PadY) / ScaleY)
        .Clip(OriginalWidth, OriginalHeight);

    /// <summary>The transform of letterboxing a w×h image into a W×H input (YOLO's convention: centred, even pad).</summary>
    public static ImageTransform Letterbox(int width, int height, int inputWidth, int inputHeight, out int resizedWidth, out int resizedHeight)
    {
        double r = Math.Min((double)inputWidth / width, (double)inputHeight / height);
        resizedWidth = Math.Max(1, Math.Min(inputWidth, (int)Math.Round(width * r)));
        resizedHeight = Math.Max(1, Math.Min(inputHeight, (int)Math.Round(height * r)));
        int padX = (inputWidth - resizedWidth) / 2;
        int padY = (inputHeight - resizedHeight) / 2;
        return new ImageTransform((double)resizedWidth / width, (double)resizedHeight / height, padX, padY, width, height);
    }
}
