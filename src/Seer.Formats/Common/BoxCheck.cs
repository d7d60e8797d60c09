using Seer.Core.Geometry;

namespace Seer.Formats.Common;

/// <summary>The one check every importer runs on a box before keeping it.</summary>
internal static class BoxCheck
{
    /// <summary>Why the box cannot be an object (no area, inverted, not finite), or null when it can.</summary>
    public static string? Degenerate(BoxXyxy box)
    {
        if (!double.IsFinite(box.X1) || !double.IsFinite(box.Y1) || !double.IsFinite(box.X2) || !double.IsFinite(box.Y2))
            return $"box {box} has a coordinate that is not a finite number";
        if (box.Width <= 0 || box.Height <= 0)
            return $"degenerate box {box} (width {Num.Format(box.Width)}, height {Num.Format(box.Height)}): no area";
        return null;
    }

    /// <summary>The bounding box of polygons (continuous corners).</summary>
    public static BoxXyxy Bounds(IEnumerable<IReadOnlyList<PointXy>> polygons)
    {
        double x1 = double.PositiveInfinity, y1 = double.PositiveInfinity;
        double x2 = double.NegativeInfinity, y2 = double.NegativeInfinity;
        foreach (var polygon in polygons)
            foreach (var p in polygon)
            {
                x1 = Math.Min(x1, p.X); y1 = Math.Min(y1, p.Y);
                x2 = Math.Max(x2, p.X); y2 = Math.Max(y2, p.Y);
            }
        return new BoxXyxy(x1, y1, x2, y2);
    }

    /// <summary>True when two boxes agree to a millionth of a pixel.</summary>
    public static bool Same(BoxXyxy a, BoxXyxy b) =>
        Math.Abs(a.X1 - b.X1) < 1e-6 && Math.Abs(a.Y1 - b.Y1) < 1e-6 && Math.Abs(a.X2 - b.X2) < 1e-6 && Math.Abs(a.Y2 - b.Y2) < 1e-6;
}
