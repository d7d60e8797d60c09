namespace Seer.Search;

/// <summary>Per-thread working memory of one HNSW search or insert: a visited set with generation tags and two heaps.</summary>
internal sealed class HnswScratch
{
    private int[] _tags = [];
    private int _generation;

    public DistHeap Candidates { get; } = new();
    public DistHeap Results { get; } = new();
    public int[] Neighbors { get; private set; } = new int[64];
    public List<(float Dist, int Id)> Sorted { get; } = new();

    /// <summary>Starts a new visit over node ids below <paramref name="capacity"/>.</summary>
    public void Begin(int capacity, int linkCapacity)
    {
        if (_tags.Length < capacity) { _tags = new int[capacity]; _generation = 0; }
        if (Neighbors.Length < linkCapacity) Neighbors = new int[linkCapacity];
        if (++_generation == int.MaxValue) { Array.Clear(_tags); _generation = 1; }
    }

    /// <summary>Marks a node visited; false when it already was.</summary>
    public bool Visit(int node)
    {
        if (_tags[node] == _generation) return false;
        _tags[node] = _generation;
        return true;
    }
}
