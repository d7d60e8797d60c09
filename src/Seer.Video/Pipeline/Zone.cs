using System.Globalization;
using Seer.Core.Errors;
using Seer.Core.Geometry;

namespace Seer.Video.Pipeline;

/// <summary>A polygon zone in source pixels; a detection belongs to it when its box centre lies inside (even-odd rule).</summary>
public sealed class Zone
{
    public IReadOnlyList<PointXy> Points { get; }

    public Zone(IReadOnlyList<PointXy> points)
    {
        if (points.Count < 3) throw new SeerException(ErrorCodes.InvalidOptions, $"a zone needs at least 3 points (got {points.Count})");
        Points = points;
    }

    /// <summary>Parses <c>x,y,x,y,...</c> (at least three points).</summary>
    public static Zone Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length < 6 || parts.Length % 2 != 0)
            throw new SeerException(ErrorCodes.InvalidOptions, $"--zone '{text}' must be x,y,x,y,... with at least three points");
        var pts = new List<PointXy>();
        for (int i = 0; i < parts.Length; i += 2)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x) ||
                !double.TryParse(parts[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y) || !double.IsFinite(y))
                throw new SeerException(ErrorCodes.InvalidOptions, $"--zone '{text}': '{parts[i]},{parts[i + 1]}' is not a point");
            pts.Add(new PointXy(x, y));
        }
        return new Zone(pts);
    }

    public bool Contains(double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = Points.Count - 1; i < Points.Count; j = i++)
        {
            var (a, b) = (Points[i], Points[j]);
            if ((a.Y > y) != (b.Y > y) && x < (b.X - a.X) * (y - a.Y) / (b.Y - a.Y) + a.X) inside = !inside;
        }
        return inside;
    }

    public override string ToString() => string.Join(",", Points.Select(p => FormattableString.Invariant($"{p.X},{p.Y}")));
}
