namespace Seer.Inference.Processing;

/// <summary>A candidate detection: corners in pixels (network input or original image), class index and score.</summary>
public readonly record struct ScoredBox(float X1, float Y1, float X2, float Y2, int ClassId, float Score)
{
    public float Area => Math.Max(0, X2 - X1) * Math.Max(0, Y2 - Y1);
}
