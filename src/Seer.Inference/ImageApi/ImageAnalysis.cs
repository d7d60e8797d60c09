namespace Seer.Inference.ImageApi;

/// <summary>The answer of <see cref="ImageAnalyzer"/> for one image: its size and sharpness, the kept objects, and how many the filters dropped.</summary>
public sealed record ImageAnalysis(string Name, int Width, int Height, double Sharpness, IReadOnlyList<AnalyzedObject> Objects)
{
    public int DroppedTooSmall { get; init; }
    public int DroppedBlurry { get; init; }
}
