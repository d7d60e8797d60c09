namespace Seer.Mining.Selection;

/// <summary>
/// Keeps the <c>capacity</c> highest-scored items seen (a min-heap on score; ties broken by key so the result does not
/// depend on arrival order). Memory stays bounded however long the stream.
/// </summary>
internal sealed class BoundedTopList<T>
{
    private readonly PriorityQueue<(T Item, double Score, string Key), (double, string)> _heap;
    private readonly int _capacity;

    public BoundedTopList(int capacity)
    {
        _capacity = capacity;
        _heap = new PriorityQueue<(T, double, string), (double, string)>(Comparer<(double Score, string Key)>.Create((a, b) =>
        {
            int c = a.Score.CompareTo(b.Score);
            return c != 0 ? c : string.CompareOrdinal(b.Key, a.Key);
        }));
    }

    public int Count => _heap.Count;

    public void Offer(T item, double score, string key)
    {
        if (_capacity <= 0) return;
        if (_heap.Count < _capacity)
        {
            _heap.Enqueue((item, score, key), (score, key));
            return;
        }
        _heap.TryPeek(out var worst, out _);
        bool better = score > worst.Score || (score == worst.Score && string.CompareOrdinal(key, worst.Key) < 0);
        if (better) _heap.EnqueueDequeue((item, score, key), (score, key));
    }

    /// <summary>The kept items, best first.</summary>
    public List<(T Item, double Score)> Ranked() =>
        _heap.UnorderedItems.Select(e => e.Element)
            .OrderByDescending(e => e.Score).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Item, e.Score)).ToList();
}
