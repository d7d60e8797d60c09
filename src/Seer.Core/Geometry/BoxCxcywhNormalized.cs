namespace Seer.Core.Geometry;

/// <summary>A box as YOLO writes it: centre and size relative to the image width and height (0..1).</summary>
public readonly record struct BoxCxcywhNormalized(double Cx, double Cy, double W, double H)
{
    /// <summary>To absolute pixel corners for an image of the given size.</summary>
    public BoxXyxy ToPixels(int imageWidth, int imageHeight) => new(
        (Cx - W / 2) * imageWidth, (Cy - H / 2) * imageHeight,
        (Cx + W / 2) * imageWidth, (Cy + H / 2) * imageHeight);

    /// <summary>From absolute pixel corners for an image of the given size.</summary>
    public static BoxCxcywhNormalized FromPixels(BoxXyxy box, int imageWidth, int imageHeight) => new(
        box.CenterX / imageWidth, box.CenterY / imageHeight, box.Width / imageWidth, box.Height / imageHeight);
}
