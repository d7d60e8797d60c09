namespace Seer.Search;

/// <summary>
/// A bounded min-heap keeping the k largest (score, slot) pairs seen; the root is the current k-th best, so
/// <see cref="Floor"/> is the bar a new candidate must beat.
/// </summary>
internal sealed class TopK
{
    private readonly float[] _scores;
    private readonly int[] _slots;

    public TopK(int k)
    {
        K = k;
        _scores = new float[k];
        _slots = new int[k];
    }

    public int K { get; }
    public int Count { get; private set; }

    /// <summary>The score a candidate must exceed to enter (−∞ until the heap is full).</summary>
    public float Floor => Count < K ? float.NegativeInfinity : _scores[0];

    public void Clear() => Count = 0;

    public void Push(float score, int slot)
    {
        if (Count < K)
        {
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (_scores[parent] <= score) break;
                _scores[i] = _scores[parent];
                _slots[i] = _slots[parent];
                i = parent;
            }
            _scores[i] = score;
            _slots[i] = slot;
            return;
        }
        if (score <= _scores[0]) return;
        SiftDownFromRoot(score, slot);
    }

    private void SiftDownFromRoot(float score, int slot)
    {
        int n = Count, i = 0;
        while (true)
        {
            int l = 2 * i + 1;
            if (l >= n) break;
            int r = l + 1;
            int c = r < n && _scores[r] < _scores[l] ? r : l;
            if (_scores[c] >= score) break;
            _scores[i] = _scores[c];
            _slots[i] = _slots[c];
            i = c;
        }
        _scores[i] = score;
        _slots[i] = slot;
    }

    /// <summary>Adds every entry of another heap.</summary>
    public void Merge(TopK other)
    {
        for (int i = 0; i < other.Count; i++) Push(other._scores[i], other._slots[i]);
    }

    /// <summary>The entries, best first (ties by lower slot first).</summary>
    public (float Score, int Slot)[] ToSortedArray()
    {
        var result = new (float, int)[Count];
        for (int i = 0; i < Count; i++) result[i] = (_scores[i], _slots[i]);
        Array.Sort(result, static (a, b) => a.Item1 != b.Item1 ? b.Item1.CompareTo(a.Item1) : a.Item2.CompareTo(b.Item2));
        return result;
    }
}
