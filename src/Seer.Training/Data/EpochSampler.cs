namespace Seer.Training.Data;

/// <summary>
/// The order of training samples in an epoch: a seeded shuffle, or class-balanced sampling (every class drawn equally
/// often: minority classes over-sampled with replacement, majority classes under-sampled) with the epoch length kept
/// equal to the number of samples.
/// </summary>
public static class EpochSampler
{
    public static int[] Order(IReadOnlyList<int> sampleClass, string sampling, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(sampleClass);
        Random rng = SampleRandom.For(seed, epoch, -1, stream: 7);
        int n = sampleClass.Count;
        int[] order;
        if (sampling == "balanced" && n > 0)
        {
            var byClass = sampleClass.Select((c, i) => (c, i)).GroupBy(p => p.c).OrderBy(g => g.Key)
                .Select(g => g.Select(p => p.i).ToArray()).ToArray();
            order = new int[n];
            var cursors = new int[byClass.Length];
            foreach (int[] members in byClass) rng.Shuffle(members);
            for (int k = 0; k < n; k++)
            {
                int cls = k % byClass.Length;
                int[] members = byClass[cls];
                if (cursors[cls] == members.Length) { rng.Shuffle(members); cursors[cls] = 0; }
                order[k] = members[cursors[cls]++];
            }
        }
        else
        {
            order = Enumerable.Range(0, n).ToArray();
        }
        rng.Shuffle(order);
        return order;
    }
}
