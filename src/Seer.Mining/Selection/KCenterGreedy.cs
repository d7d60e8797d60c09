namespace Seer.Mining.Selection;

/// <summary>
/// k-center greedy (the core-set selection of Sener &amp; Savarese 2018): repeatedly pick the point farthest from every
/// centre so far (the labelled set's points plus the picks), which covers feature space with few points. Points are
/// compared L2-normalised (so the distance is a monotone function of cosine similarity). O(n·k) distance evaluations.
/// </summary>
internal static class KCenterGreedy
{
    /// <summary>
    /// Picks up to <paramref name="count"/> indices of <paramref name="points"/> in greedy order, each with its
    /// distance to the nearest centre at the time it was picked. <paramref name="eligible"/> is asked at pick time (so
    /// it can depend on earlier picks); a point it rejects is dropped. With no centres the first pick is seeded.
    /// </summary>
    public static List<(int Index, double Distance)> Select(IReadOnlyList<float[]> points, int count,
        IEnumerable<float[]> centres, Func<int, bool> eligible, int seed)
    {
        int n = points.Count;
        var result = new List<(int, double)>();
        if (n == 0 || count <= 0) return result;
        var norm = points.Select(Vectors.Normalised).ToArray();
        var minDist = new double[n];
        Array.Fill(minDist, double.PositiveInfinity);
        bool anyCentre = false;
        foreach (var c in centres)
        {
            anyCentre = true;
            var nc = Vectors.Normalised(c);
            for (int i = 0; i < n; i++) minDist[i] = Math.Min(minDist[i], Vectors.Distance(norm[i], nc));
        }
        var done = new bool[n];
        int available = n;
        if (!anyCentre)
        {
            // No centre yet: a seeded first pick (every later pick is then determined by the geometry).
            var order = Enumerable.Range(0, n).OrderBy(i => Mix(seed, i)).ToList();
            foreach (int first in order)
            {
                done[first] = true;
                available--;
                if (!eligible(first)) continue;
                result.Add((first, double.PositiveInfinity));
                Update(norm, minDist, first);
                break;
            }
        }
        while (result.Count < count && available > 0)
        {
            int best = -1;
            for (int i = 0; i < n; i++)
                if (!done[i] && (best < 0 || minDist[i] > minDist[best])) best = i;
            if (best < 0) break;
            done[best] = true;
            available--;
            if (!eligible(best)) continue;
            result.Add((best, minDist[best]));
            Update(norm, minDist, best);
        }
        return result;
    }

    private static void Update(float[][] norm, double[] minDist, int picked)
    {
        for (int i = 0; i < norm.Length; i++)
            minDist[i] = Math.Min(minDist[i], Vectors.Distance(norm[i], norm[picked]));
    }

    private static ulong Mix(int seed, int i) => RandomScore.SplitMix((ulong)(uint)seed << 32 | (uint)i);
}
