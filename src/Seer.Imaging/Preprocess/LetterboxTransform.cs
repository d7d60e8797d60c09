using Seer.Core.Geometry;

namespace Seer.Imaging.Preprocess;

/// <summary>
/// How a letterbox mapped an original image into a square canvas: original pixel (x, y) lands at
/// (x * Scale + PadX, y * Scale + PadY). Boxes map forward for training and back for predictions.
/// </summary>
public readonly record struct LetterboxTransform(double Scale, double PadX, double PadY)
{
    public BoxXyxy Forward(BoxXyxy box) => new(
        box.X1 * Scale + PadX, box.Y1 * Scale + PadY, box.X2 * Scale + PadX, box.Y2 * Scale + PadY);

    public BoxXyxy Backward(BoxXyxy box) => new(
        (box.X1 - PadX) / Scale, (box.Y1 - PadY) / Scale, (box.X2 - PadX) / Scale, (box.Y2 - PadY) / Scale);
}
