namespace Seer.Core.Geometry;

/// <summary>
/// An axis-aligned box in absolute pixel coordinates, corners (X1, Y1) top-left and (X2, Y2) bottom-right, as
/// continuous coordinates: a box that covers pixel columns 0..9 has X1 = 0 and X2 = 10 (COCO's convention).
/// VOC's 1-based inclusive corners are converted in the VOC format code only.
/// </summary>
public readonly record struct BoxXyxy(double X1, double Y1, double X2, double Y2)
{
    public double Width => X2 - X1;
    public double Height => Y2 - Y1;
    public double Area => Width > 0 && Height > 0 ? Width * Height : 0;
    public double CenterX => (X1 + X2) / 2;
    public double CenterY => (Y1 + Y2) / 2;

    /// <summary>True when the box has no area (or a non-finite coordinate).</summary>
    public bool IsDegenerate => !(Width > 0 && Height > 0) || !double.IsFinite(X1 + Y1 + X2 + Y2);

    /// <summary>From COCO's [x, y, w, h] in pixels.</summary>
    public static BoxXyxy FromXywh(double x, double y, double w, double h) => new(x, y, x + w, y + h);

    /// <summary>To COCO's [x, y, w, h] in pixels.</summary>
    public (double X, double Y, double W, double H) ToXywh() => (X1, Y1, Width, Height);

    /// <summary>The box clipped to an image of the given size.</summary>
    public BoxXyxy Clip(double imageWidth, double imageHeight) => new(
        Math.Clamp(X1, 0, imageWidth), Math.Clamp(Y1, 0, imageHeight),
        Math.Clamp(X2, 0, imageWidth), Math.Clamp(Y2, 0, imageHeight));

    /// <summary>True when the box lies inside an image of the given size.</summary>
    public bool IsInside(double imageWidth, double imageHeight) =>
        X1 >= 0 && Y1 >= 0 && X2 <= imageWidth && Y2 <= imageHeight;

    /// <summary>Intersection over union of two boxes (0 when either has no area).</summary>
    public static double IoU(in BoxXyxy a, in BoxXyxy b)
    {
        double iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        double ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (iw <= 0 || ih <= 0) return 0;
        double inter = iw * ih;
        double union = a.Area + b.Area - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>Scales coordinates (e.g. from a resized image back to the original).</summary>
    public BoxXyxy Scale(double sx, double sy) => new(X1 * sx, Y1 * sy, X2 * sx, Y2 * sy);

    public override string ToString() => $"[{X1:0.##}, {Y1:0.##}, {X2:0.##}, {Y2:0.##}]";
}
