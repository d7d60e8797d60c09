using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Seer.Search;

/// <summary>
/// Hierarchical navigable small-world graph (Malkov and Yashunin) over the rows of a <see cref="VectorStore"/>:
/// node id = row slot. Layer 0 keeps up to 2·M links per node in one flat array; upper layers up to M links.
/// Neighbours are chosen with the paper's heuristic (keep a candidate only if it is closer to the new node than to
/// every neighbour already kept). Node levels come from a hash of (seed, slot), so a build is reproducible and
/// needs no generator state. Removed nodes stay in the graph as tombstones: searches walk through them but never
/// return them. Inserts may run on several threads at once, locked as hnswlib does: a lock per node, held by the
/// inserting thread for the node's whole insert and briefly by others to read or extend its lists, plus a global
/// lock while a node raises the top level. Searches read without locks and rely on the feature group to keep
/// writers out while they run.
/// </summary>
internal sealed unsafe class HnswIndex
{
    private const int MaxLevel = 24;
    private readonly VectorStore _store;
    private readonly bool _l2;
    private readonly double _levelMultiplier;
    private object[] _locks = [];
    private readonly object _global = new();
    private readonly ConcurrentBag<HnswScratch> _scratch = new();
    private int[] _links0 = [];
    private int[]?[] _upper = [];
    private int[] _levels = [];
    private int _entry = -1;
    private int _maxLevel = -1;

    public HnswIndex(VectorStore store, bool l2, int m, int efConstruction, int seed)
    {
        _store = store;
        _l2 = l2;
        M = m;
        M0 = 2 * m;
        EfConstruction = efConstruction;
        Seed = seed;
        _levelMultiplier = 1.0 / Math.Log(m);
    }

    public int M { get; }
    public int M0 { get; }
    public int EfConstruction { get; }
    public int Seed { get; }
    /// <summary>Number of node slots the graph covers (inserted or not yet).</summary>
    public int Capacity => _levels.Length;

    private int Stride0 => M0 + 1;
    private int StrideUp => M + 1;

    public void Reserve(int capacity)
    {
        if (capacity <= _levels.Length) return;
        int n = Math.Max(capacity, _levels.Length + _levels.Length / 2);
        Array.Resize(ref _links0, checked(n * Stride0));
        Array.Resize(ref _upper, n);
        int old = _levels.Length;
        Array.Resize(ref _levels, n);
        _levels.AsSpan(old).Fill(-1);
        Array.Resize(ref _locks, n);
        for (int i = old; i < n; i++) _locks[i] = new object();
    }

    /// <summary>The level of a node, drawn from an exponential distribution by hashing (seed, slot).</summary>
    public int LevelFor(int slot)
    {
        ulong z = unchecked((ulong)Seed * 0x9E3779B97F4A7C15UL + (ulong)slot + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        double u = ((z >> 11) + 1) * (1.0 / (1UL << 53));
        return Math.Min(MaxLevel, (int)(-Math.Log(u) * _levelMultiplier));
    }

    private float Distance(float* a, float* b) =>
        _l2 ? SimdKernels.L2Squared(a, b, _store.Stride) : -SimdKernels.Dot(a, b, _store.Stride);

    private Span<int> Links(int node, int level) => level == 0
        ? _links0.AsSpan(node * Stride0, Stride0)
        : _upper[node].AsSpan((level - 1) * StrideUp, StrideUp);

    private object LockOf(int node) => _locks[node];

    private HnswScratch Rent() => _scratch.TryTake(out var s) ? s : new HnswScratch();
    private void Return(HnswScratch s) => _scratch.Add(s);

    /// <summary>Links a stored row into the graph. Call <see cref="Reserve"/> first; safe on several threads.</summary>
    public void Insert(int node, bool concurrent)
    {
        int level = LevelFor(node);
        if (level > 0) _upper[node] = new int[level * StrideUp];
        Links(node, 0)[0] = 0;
        Volatile.Write(ref _levels[node], level);
        // As in hnswlib: the node's own lock is held for its whole insert, so a thread that reaches the node
        // through a fresh link waits until the node's lower layers are linked (otherwise it would descend into
        // empty lists, and this insert would then overwrite the links that thread added). Own lock first, then
        // the global one, never the reverse.
        Monitor.Enter(LockOf(node));
        try
        {
            InsertLocked(node, level, concurrent);
        }
        finally { Monitor.Exit(LockOf(node)); }
    }

    private void InsertLocked(int node, int level, bool concurrent)
    {
        Monitor.Enter(_global);
        bool holdGlobal = true;
        try
        {
            int entry = _entry, maxLevel = _maxLevel;
            if (entry < 0)
            {
                _entry = node;
                _maxLevel = level;
                return;
            }
            if (level <= maxLevel) { Monitor.Exit(_global); holdGlobal = false; }
            var scratch = Rent();
            try
            {
                InsertBelow(node, level, entry, maxLevel, concurrent, scratch);
            }
            finally { Return(scratch); }
            if (holdGlobal && level > _maxLevel)
            {
                _entry = node;
                _maxLevel = level;
            }
        }
        finally
        {
            if (holdGlobal) Monitor.Exit(_global);
        }
    }

    private void InsertBelow(int node, int level, int entry, int maxLevel, bool concurrent, HnswScratch scratch)
    {
        float* q = _store.Row(node);
        int cur = entry;
        float curDist = Distance(q, _store.Row(cur));
        for (int l = maxLevel; l > level; l--) (cur, curDist) = Greedy(q, cur, curDist, l, concurrent, scratch);
        for (int l = Math.Min(level, maxLevel); l >= 0; l--)
        {
            SearchLayer(q, cur, curDist, EfConstruction, l, concurrent, null, scratch);
            var sorted = DrainSorted(scratch);
            var selected = SelectNeighbours(sorted, M);
            var links = Links(node, l);
            lock (LockOf(node))
            {
                links[0] = selected.Count;
                for (int i = 0; i < selected.Count; i++) links[1 + i] = selected[i];
            }
            foreach (int n in selected) Connect(n, node, l);
            (curDist, cur) = sorted[0];
        }
    }

    private (int, float) Greedy(float* q, int cur, float curDist, int level, bool concurrent, HnswScratch scratch)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            int count = ReadLinks(cur, level, concurrent, scratch.Neighbors);
            for (int i = 0; i < count; i++)
            {
                int n = scratch.Neighbors[i];
                float d = Distance(q, _store.Row(n));
                if (d < curDist) { curDist = d; cur = n; changed = true; }
            }
        }
        return (cur, curDist);
    }

    private int ReadLinks(int node, int level, bool concurrent, int[] into)
    {
        if (!concurrent)
        {
            var links = Links(node, level);
            links.Slice(1, links[0]).CopyTo(into);
            return links[0];
        }
        lock (LockOf(node))
        {
            var links = Links(node, level);
            links.Slice(1, links[0]).CopyTo(into);
            return links[0];
        }
    }

    /// <summary>Best-first search of one layer from an entry point; leaves up to ef results in scratch.Results
    /// (keyed by −distance, so the root is the farthest kept). With <paramref name="alive"/>, dead nodes are walked
    /// through but not kept.</summary>
    private void SearchLayer(float* q, int ep, float epDist, int ef, int level, bool concurrent, byte[]? alive,
        HnswScratch scratch)
    {
        scratch.Begin(_levels.Length, M0 + 1);
        var candidates = scratch.Candidates;
        var results = scratch.Results;
        candidates.Clear();
        results.Clear();
        scratch.Visit(ep);
        candidates.Push(epDist, ep);
        float bound = float.MaxValue;
        if (alive is null || alive[ep] != 0)
        {
            results.Push(-epDist, ep);
            bound = epDist;
        }
        int[] neighbours = scratch.Neighbors;
        while (candidates.Count > 0)
        {
            float cd = candidates.TopKey;
            if (cd > bound && (results.Count >= ef || alive is null)) break;
            int c = candidates.TopId;
            candidates.Pop();
            int count = ReadLinks(c, level, concurrent, neighbours);
            for (int i = 0; i < count; i++)
            {
                int n = neighbours[i];
                if (!scratch.Visit(n)) continue;
                float d = Distance(q, _store.Row(n));
                if (results.Count < ef || d < bound)
                {
                    candidates.Push(d, n);
                    if (alive is null || alive[n] != 0)
                    {
                        results.Push(-d, n);
                        if (results.Count > ef) results.Pop();
                    }
                    if (results.Count > 0) bound = -results.TopKey;
                }
            }
        }
    }

    private static List<(float Dist, int Id)> DrainSorted(HnswScratch scratch)
    {
        var sorted = scratch.Sorted;
        sorted.Clear();
        var results = scratch.Results;
        while (results.Count > 0)
        {
            sorted.Add((-results.TopKey, results.TopId));
            results.Pop();
        }
        sorted.Reverse();
        return sorted;
    }

    /// <summary>The neighbour-selection heuristic over candidates sorted nearest first.</summary>
    private List<int> SelectNeighbours(List<(float Dist, int Id)> sorted, int max)
    {
        var kept = new List<int>(max);
        if (sorted.Count <= max)
        {
            foreach (var (_, id) in sorted) kept.Add(id);
            return kept;
        }
        foreach (var (dist, id) in sorted)
        {
            if (kept.Count >= max) break;
            float* row = _store.Row(id);
            bool good = true;
            foreach (int k in kept)
                if (Distance(row, _store.Row(k)) < dist) { good = false; break; }
            if (good) kept.Add(id);
        }
        return kept;
    }

    private void Connect(int n, int node, int level)
    {
        int max = level == 0 ? M0 : M;
        lock (LockOf(n))
        {
            var links = Links(n, level);
            int count = links[0];
            for (int i = 1; i <= count; i++) if (links[i] == node) return;
            if (count < max)
            {
                links[1 + count] = node;
                links[0] = count + 1;
                return;
            }
            float* row = _store.Row(n);
            var candidates = new List<(float Dist, int Id)>(count + 1) { (Distance(row, _store.Row(node)), node) };
            for (int i = 1; i <= count; i++) candidates.Add((Distance(row, _store.Row(links[i])), links[i]));
            candidates.Sort(static (a, b) => a.Dist.CompareTo(b.Dist));
            var kept = SelectNeighbours(candidates, max);
            links[0] = kept.Count;
            for (int i = 0; i < kept.Count; i++) links[1 + i] = kept[i];
        }
    }

    /// <summary>The k nearest live nodes to a padded query (smallest distance first), exploring ef candidates.</summary>
    public List<(float Dist, int Id)> Search(float* q, int k, int ef, byte[] alive)
    {
        var found = new List<(float, int)>();
        if (_entry < 0) return found;
        var scratch = Rent();
        try
        {
            int cur = _entry;
            float curDist = Distance(q, _store.Row(cur));
            for (int l = _maxLevel; l > 0; l--) (cur, curDist) = Greedy(q, cur, curDist, l, false, scratch);
            SearchLayer(q, cur, curDist, Math.Max(ef, k), 0, false, alive, scratch);
            var results = scratch.Results;
            while (results.Count > k) results.Pop();
            var sorted = DrainSorted(scratch);
            found.AddRange(sorted);
            return found;
        }
        finally { Return(scratch); }
    }

    /// <summary>Writes the graph for a snapshot: entry, top level, then each node's level and link lists.</summary>
    public void Write(BinaryWriter writer, int count)
    {
        writer.Write(_entry);
        writer.Write(_maxLevel);
        writer.Write(MemoryMarshal.AsBytes(_levels.AsSpan(0, count)));
        writer.Write(MemoryMarshal.AsBytes(_links0.AsSpan(0, count * Stride0)));
        for (int i = 0; i < count; i++)
            if (_levels[i] > 0) writer.Write(MemoryMarshal.AsBytes(_upper[i].AsSpan()));
    }

    /// <summary>Reads a graph written by <see cref="Write"/> for <paramref name="count"/> nodes.</summary>
    public void Read(BinaryReader reader, int count)
    {
        Reserve(count);
        _entry = reader.ReadInt32();
        _maxLevel = reader.ReadInt32();
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_levels.AsSpan(0, count)));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_links0.AsSpan(0, count * Stride0)));
        for (int i = 0; i < count; i++)
        {
            int level = _levels[i];
            if (level < 0 || level > MaxLevel) throw new InvalidDataException($"node {i} has level {level}");
            if (level == 0) continue;
            _upper[i] = new int[level * StrideUp];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_upper[i].AsSpan()));
        }
    }
}
