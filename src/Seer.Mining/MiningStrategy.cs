namespace Seer.Mining;

/// <summary>How the miner ranks pool images. Names as the CLI spells them (lower case).</summary>
public enum MiningStrategy
{
    /// <summary>Seeded random order: the baseline every other strategy must beat.</summary>
    Random,
    /// <summary>1 − the top class probability.</summary>
    LeastConfidence,
    /// <summary>Shannon entropy of the class distribution, normalised by log(classes).</summary>
    Entropy,
    /// <summary>1 − (top probability − second probability).</summary>
    Margin,
    /// <summary>Disagreement between predictions on the image and on augmented copies (CALD-style).</summary>
    Consistency,
    /// <summary>k-center greedy (core-set) over feature vectors.</summary>
    Diversity,
    /// <summary>Uncertainty (margin) top-m, then k-center greedy down to k. Margin, not entropy: on Fashion-MNIST margin
    /// was the stronger uncertainty (docs/benchmarks.md, MiningBench); for score-only detections the two rank alike.</summary>
    Combined,
}
