namespace Seer.Mining.Inputs;

/// <summary>
/// One unlabelled pool image offered to the miner: its identity (content hash), its name in the pool, the model's
/// output on it, optional outputs on augmented copies (for the consistency strategy) and an optional 64-bit
/// perceptual hash (for near-duplicate checks).
/// </summary>
public sealed record MiningCandidate(string ContentHash, string FileName, ModelOutput Output)
{
    public IReadOnlyList<AugmentedView> Augmented { get; init; } = [];

    /// <summary>DCT perceptual hash of the image (Seer.Imaging.PerceptualHash); null when not computed.</summary>
    public ulong? PerceptualHash { get; init; }
}
