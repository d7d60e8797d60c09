using Seer.Core.Geometry;

namespace Seer.Mining.Inputs;

/// <summary>
/// One detection a model made on an image: its box (original-image pixels), class id and score; optionally the full
/// class distribution of that box when the detector reports one (then uncertainty uses it instead of the score).
/// </summary>
public sealed record ScoredDetection(BoxXyxy Box, int ClassId, float Score)
{
    /// <summary>Per-class probabilities of this box, when the detector gives them; null otherwise.</summary>
    public float[]? ClassProbabilities { get; init; }
}
