using Seer.Core.Randomness;

namespace Seer.Training.Data;

/// <summary>
/// Deterministic random streams keyed by (seed, epoch, slot): the same sample of the same epoch gets the same
/// augmentation whichever worker thread builds it, and a resumed run draws exactly what an uninterrupted one did.
/// </summary>
public static class SampleRandom
{
    public static Random For(int seed, int epoch, int slot, int stream = 0) => StableRandom.For(seed, epoch, slot, stream);
}
