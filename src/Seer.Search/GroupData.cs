namespace Seer.Search;

/// <summary>
/// The in-memory state of a feature group: vector rows, ids, metadata, alive flags, the id → slot map and the HNSW
/// graph when the group has one. Writes append a slot (and tombstone the old slot of an upserted id); nothing here
/// validates or locks — <see cref="FeatureGroup"/> does both.
/// </summary>
internal sealed unsafe class GroupData : IDisposable
{
    private byte[] _alive = [];
    private string[] _ids = [];
    private string?[] _metadata = [];

    public GroupData(FeatureGroupOptions options)
    {
        Options = options;
        Store = new VectorStore(options.Dimension, options.Quantization == VectorQuantization.Int8);
        if (options.Index == IndexKind.Hnsw)
            Hnsw = new HnswIndex(Store, options.Metric == DistanceMetric.L2, options.M, options.EfConstruction, options.Seed);
    }

    public FeatureGroupOptions Options { get; }
    public VectorStore Store { get; }
    public HnswIndex? Hnsw { get; }
    public Dictionary<string, int> SlotOf { get; } = new(StringComparer.Ordinal);
    public byte[] Alive => _alive;
    public int Slots => Store.Count;
    public int LiveCount => SlotOf.Count;

    public string IdAt(int slot) => _ids[slot];
    public string? MetadataAt(int slot) => _metadata[slot];

    public void Reserve(int slots)
    {
        Store.Reserve(slots);
        if (_ids.Length < Store.Capacity)
        {
            Array.Resize(ref _alive, Store.Capacity);
            Array.Resize(ref _ids, Store.Capacity);
            Array.Resize(ref _metadata, Store.Capacity);
        }
        Hnsw?.Reserve(Store.Capacity);
    }

    /// <summary>Stores a prepared vector under an id (replacing a live item of that id) without indexing it.</summary>
    public int Put(string id, ReadOnlySpan<float> prepared, string? metadata)
    {
        if (SlotOf.TryGetValue(id, out int old)) _alive[old] = 0;
        Reserve(Store.Count + 1);
        int slot = Store.Append(prepared);
        _ids[slot] = id;
        _metadata[slot] = metadata;
        _alive[slot] = 1;
        SlotOf[id] = slot;
        return slot;
    }

    /// <summary>Restores a slot read from a snapshot whose row is already in the store.</summary>
    public void Restore(int slot, string id, string? metadata, bool alive)
    {
        _ids[slot] = id;
        _metadata[slot] = metadata;
        _alive[slot] = alive ? (byte)1 : (byte)0;
        if (alive) SlotOf[id] = slot;
    }

    public bool Remove(string id)
    {
        if (!SlotOf.Remove(id, out int slot)) return false;
        _alive[slot] = 0;
        return true;
    }

    /// <summary>Links slots [from, to) into the HNSW graph, on several threads when there are many.</summary>
    public void Index(int from, int to, int threads)
    {
        if (Hnsw is null || to <= from) return;
        Hnsw.Reserve(Store.Capacity);
        if (threads <= 1 || to - from < 256)
        {
            for (int s = from; s < to; s++) Hnsw.Insert(s, concurrent: false);
            return;
        }
        // The first nodes go in alone so parallel inserts start from a connected graph.
        int serial = Math.Min(to, from + 64);
        for (int s = from; s < serial; s++) Hnsw.Insert(s, concurrent: false);
        Parallel.For(serial, to, new ParallelOptions { MaxDegreeOfParallelism = threads },
            s => Hnsw.Insert(s, concurrent: true));
    }


    public void Dispose() => Store.Dispose();
}
