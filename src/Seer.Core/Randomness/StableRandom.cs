namespace Seer.Core.Randomness;

/// <summary>
/// Random streams keyed by a seed and up to three further numbers, the same in every process and on every machine
/// (SplitMix64 finalizer over the keys). Not <see cref="HashCode.Combine{T1,T2}"/>: that is salted per process, so a
/// stream seeded with it differs from one run to the next.
/// </summary>
public static class StableRandom
{
    public static Random For(int seed, int a = 0, int b = 0, int c = 0) => new(Key(seed, a, b, c));

    /// <summary>The non-negative 31-bit seed <see cref="For"/> uses.</summary>
    public static int Key(int seed, int a = 0, int b = 0, int c = 0)
    {
        ulong h = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)a * 0xC2B2AE3D27D4EB4FUL
                      ^ (ulong)(uint)b * 0x165667B19E3779F9UL ^ (ulong)(uint)c * 0xD6E8FEB86659FD93UL);
        return (int)(h & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
