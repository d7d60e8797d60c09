namespace Seer.Training.Data;

/// <summary>
/// P x K sampling for metric learning: each batch holds P identities with K images each, so every anchor has
/// positives and negatives in its batch. An epoch is the same number of samples as the training set; identities are
/// drawn in a seeded shuffled cycle, images of an identity in a shuffled cycle (with repeats when it has fewer than K).
/// </summary>
public static class PkSampler
{
    public static int[] Order(IReadOnlyList<int> sampleClass, int batchSize, int classesPerBatch, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(sampleClass);
        int n = sampleClass.Count;
        var byClass = sampleClass.Select((c, i) => (c, i)).GroupBy(p => p.c).OrderBy(g => g.Key)
            .Select(g => g.Select(p => p.i).ToArray()).ToArray();
        if (n == 0 || byClass.Length == 0) return [];
        int p = Math.Clamp(classesPerBatch, 1, byClass.Length);
        int k = Math.Max(1, batchSize / p);
        Random rng = SampleRandom.For(seed, epoch, -1, stream: 11);
        foreach (int[] members in byClass) rng.Shuffle(members);
        var cursors = new int[byClass.Length];
        var classOrder = Enumerable.Range(0, byClass.Length).ToArray();
        rng.Shuffle(classOrder);
        int classCursor = 0;
        var order = new List<int>(n + batchSize);
        while (order.Count < n)
        {
            int start = order.Count;
            for (int c = 0; c < p; c++)
            {
                if (classCursor == classOrder.Length)
                {
                    rng.Shuffle(classOrder);
                    classCursor = 0;
                }
                int cls = classOrder[classCursor++];
                int[] members = byClass[cls];
                for (int j = 0; j < k; j++)
                {
                    if (cursors[cls] == members.Length)
                    {
                        rng.Shuffle(members);
                        cursors[cls] = 0;
                    }
                    order.Add(members[cursors[cls]++]);
                }
            }
            // Fill a batch that P·K does not divide with more of the batch's last identity.
            while (order.Count - start < batchSize) order.Add(order[^1]);
        }
        return order.Take(n).ToArray();
    }
}
