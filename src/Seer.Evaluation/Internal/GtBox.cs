namespace Seer.Evaluation.Internal;

/// <summary>A ground-truth box as COCOeval sees it: [x, y, w, h], the area used for area ranges, and its flags.</summary>
internal struct GtBox
{
    public double X, Y, W, H, Area;
    public bool Crowd, Difficult;
}
