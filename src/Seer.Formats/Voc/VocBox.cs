using Seer.Core.Geometry;

namespace Seer.Formats.Voc;

/// <summary>
/// The one place where Pascal VOC's pixel corners meet Seer's boxes. VOC writes 1-based inclusive pixel indices
/// (a box over the first 10 columns is xmin 1, xmax 10); <see cref="BoxXyxy"/> has continuous 0-based corners
/// (X1 0, X2 10). So X1 = xmin - 1, X2 = xmax, and back.
/// </summary>
internal static class VocBox
{
    public static BoxXyxy ToBox(double xmin, double ymin, double xmax, double ymax) => new(xmin - 1, ymin - 1, xmax, ymax);

    public static (double XMin, double YMin, double XMax, double YMax) FromBox(BoxXyxy box) =>
        (box.X1 + 1, box.Y1 + 1, box.X2, box.Y2);
}
