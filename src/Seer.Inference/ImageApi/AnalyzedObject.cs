using Seer.Core.Geometry;

namespace Seer.Inference.ImageApi;

/// <summary>
/// One object of an analysed image: its box (original pixels), class and score from the detector (null label and
/// score when no detector ran and the object is the whole image), its sharpness, and on request its crop, its
/// attributes (attribute name → the attribute classifier's best class on the crop) and its feature vector (L2-normalised).
/// </summary>
public sealed record AnalyzedObject(BoxXyxy Box, string? Label, float? Score, double Sharpness)
{
    public byte[]? Crop { get; init; }
    public IReadOnlyDictionary<string, ClassScore> Attributes { get; init; } = new Dictionary<string, ClassScore>();
    public float[]? Feature { get; init; }
}
