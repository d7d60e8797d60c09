namespace Seer.Mining;

/// <summary>The ranked picks of a mining run and what the miner saw on the way.</summary>
public sealed record MiningResult(
    MiningStrategy Strategy,
    IReadOnlyList<MinedImage> Items,
    int Considered,
    int Excluded,
    int DuplicatesSkipped);
