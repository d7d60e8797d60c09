namespace Seer.Mining;

/// <summary>
/// How per-detection uncertainties become one image score. <see cref="Max"/> (default): the image is as valuable as its
/// most uncertain box; <see cref="Mean"/>: average over boxes (favours images whose boxes are all ambiguous);
/// <see cref="Sum"/>: grows with the number of uncertain boxes (favours crowded images). An image with no detection
/// scores 0.
/// </summary>
public enum DetectionAggregation
{
    Max,
    Mean,
    Sum,
}
