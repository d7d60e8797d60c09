namespace Seer.Mining.Selection;

/// <summary>
/// The random strategy's score: a seeded hash of the image's content hash mapped to [0, 1). It depends only on the
/// seed and the image, not on pool order or chunking, so a seeded run is reproducible and streams.
/// </summary>
internal static class RandomScore
{
    public static double Of(int seed, string contentHash)
    {
        ulong h = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (char ch in contentHash) h = (h ^ ch) * 1099511628211UL;
        return (SplitMix(h) >> 11) * (1.0 / (1UL << 53));
    }

    public static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
