namespace Seer.Search;

/// <summary>A growable binary min-heap of (key, node) pairs for the HNSW candidate and result lists.</summary>
internal sealed class DistHeap
{
    private float[] _keys = new float[64];
    private int[] _ids = new int[64];

    public int Count { get; private set; }
    public float TopKey => _keys[0];
    public int TopId => _ids[0];

    public void Clear() => Count = 0;

    public void Push(float key, int id)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _ids, Count * 2);
        }
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (_keys[parent] <= key) break;
            _keys[i] = _keys[parent];
            _ids[i] = _ids[parent];
            i = parent;
        }
        _keys[i] = key;
        _ids[i] = id;
    }

    public void Pop()
    {
        int n = --Count;
        if (n == 0) return;
        float key = _keys[n];
        int id = _ids[n];
        int i = 0;
        while (true)
        {
            int l = 2 * i + 1;
            if (l >= n) break;
            int r = l + 1;
            int c = r < n && _keys[r] < _keys[l] ? r : l;
            if (_keys[c] >= key) break;
            _keys[i] = _keys[c];
            _ids[i] = _ids[c];
            i = c;
        }
        _keys[i] = key;
        _ids[i] = id;
    }
}
