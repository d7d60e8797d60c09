namespace Seer.Training.Data;

/// <summary>
/// Deterministic random streams keyed by (seed, epoch, slot): the same sample of the same epoch gets the same
/// augmentation whichever worker thread builds it, and a resumed run draws exactly what an uninterrupted one did.
/// </summary>
public static class SampleRandom
{
    public static Random For(int seed, int epoch, int slot, int stream = 0)
    {
        ulong h = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)epoch * 0xC2B2AE3D27D4EB4FUL
                      ^ (ulong)(uint)slot * 0x165667B19E3779F9UL ^ (ulong)(uint)stream * 0xD6E8FEB86659FD93UL);
        return new Random((int)(h & 0x7FFFFFFF));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
