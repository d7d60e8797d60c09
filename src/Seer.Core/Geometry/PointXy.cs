namespace Seer.Core.Geometry;

/// <summary>A point in absolute pixel coordinates.</summary>
public readonly record struct PointXy(double X, double Y);
