using Seer.Core.Errors;

namespace Seer.Search;

/// <summary>
/// A named collection of (id, vector, metadata) with a fixed dimension and metric, held in memory for speed and, when
/// opened from a <see cref="SearchWorkspace"/>, made durable by a snapshot plus an append-only log: every write is
/// fsynced before it returns, so a restart loses nothing that was acknowledged.
/// <para>Concurrency: writers queue on a write gate (one writer at a time) and do the slow part there — validation
/// against the current ids, the fsynced log append, compaction — while searches keep running. Only the in-memory
/// apply (a few slot writes and alive flags, and for HNSW groups the graph links) takes the exclusive side of a
/// reader-writer lock; searches share its read side, so each write call is atomic for readers and a search sees the
/// state between two whole writes. Searches small enough to finish in well under a millisecond run on the calling
/// thread: a search holding the read lock never waits for a thread-pool thread, so a writer waits at most for
/// the searches already running.</para>
/// </summary>
public sealed unsafe class FeatureGroup : IDisposable
{
    /// <summary>Below this many multiply-adds a search runs on the calling thread.</summary>
    private const long InlineWork = 1L << 22;
    private readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _writeGate = new();
    private readonly GroupData _data;
    private readonly GroupStorage? _storage;
    private bool _disposed;

    private FeatureGroup(string name, FeatureGroupOptions options, GroupStorage? storage)
    {
        Name = name;
        Options = options;
        _data = new GroupData(options);
        _storage = storage;
        EfSearch = options.EfSearch;
    }

    /// <summary>A group that lives only in memory (no snapshot, no log): for benchmarks and throw-away work.</summary>
    public static FeatureGroup CreateInMemory(string name, FeatureGroupOptions options)
    {
        options.Validate();
        return new FeatureGroup(name, options, null);
    }

    internal static FeatureGroup OpenStored(string name, FeatureGroupOptions options, GroupStorage storage, int threads)
    {
        var group = new FeatureGroup(name, options, storage) { Threads = threads };
        try
        {
            storage.Load(group._data, threads);
        }
        catch
        {
            group.Dispose();
            throw;
        }
        return group;
    }

    public string Name { get; }
    public FeatureGroupOptions Options { get; }
    public int Dimension => Options.Dimension;

    /// <summary>Threads for exact scans, batched queries and bulk HNSW inserts (default: all cores).</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>HNSW candidate list size for searches; starts at the group's setting and may be tuned per process.</summary>
    public int EfSearch { get; set; }

    /// <summary>Log records replayed when the group was opened (0 for in-memory groups).</summary>
    public int ReplayedRecords => _storage?.Replayed ?? 0;

    /// <summary>True when opening found and dropped a torn last log record (a write that was never acknowledged).</summary>
    public bool RecoveredTornRecord => _storage?.DroppedTornRecord ?? false;

    /// <summary>Number of live items.</summary>
    public int Count
    {
        get
        {
            _rw.EnterReadLock();
            try { return _data.LiveCount; }
            finally { _rw.ExitReadLock(); }
        }
    }

    /// <summary>Adds new items; fails (changing nothing) if an id is already in the group or repeated in the call.</summary>
    public void Add(IReadOnlyList<FeatureItem> items) => Write(items, LogOp.Add);

    /// <summary>Adds items or replaces the vector and metadata of ids already present.</summary>
    public void Upsert(IReadOnlyList<FeatureItem> items) => Write(items, LogOp.Upsert);

    /// <summary>
    /// Adds the vectors of a file (.npy or .fvecs float32, <see cref="VectorFiles"/>) under the ids of an id file (one
    /// per line; null: row numbers 0..n-1): all or nothing. The one way the CLI (<c>seer search add</c>) and the server
    /// (a vector file uploaded to <c>POST /api/groups/{g}/items</c>) add a file. Returns the number of rows added.
    /// </summary>
    public int AddFile(string vectorsPath, string? idsPath, bool upsert = false)
    {
        var matrix = VectorFiles.Read(vectorsPath);
        var ids = idsPath is not null
            ? VectorFiles.ReadIds(idsPath, matrix.Rows)
            : Enumerable.Range(0, matrix.Rows).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        CheckDimension(matrix, vectorsPath);
        AddRows(ids, matrix.Data, upsert, vectorsPath);
        return matrix.Rows;
    }

    /// <summary>Refuses a matrix (read from <paramref name="file"/>) whose rows are not of this group's dimension.</summary>
    public void CheckDimension(VectorMatrix matrix, string file)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rows > 0 && matrix.Dimension != Dimension)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{file} holds vectors of dimension {matrix.Dimension} but feature group '{Name}' expects dimension {Dimension}", file);
    }

    /// <summary>Adds rows of a matrix under the given ids (the fast path for files): <paramref name="vectors"/> holds
    /// ids.Count × Dimension floats, row-major.</summary>
    public void AddRows(IReadOnlyList<string> ids, ReadOnlyMemory<float> vectors, bool upsert = false, string? source = null)
    {
        int dim = Dimension;
        if (vectors.Length != (long)ids.Count * dim)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{ids.Count} ids but {vectors.Length / (double)dim:0.##} vectors of dimension {dim}", source);
        var items = new FeatureItem[ids.Count];
        var prepared = new float[vectors.Length];
        vectors.Span.CopyTo(prepared);
        for (int i = 0; i < items.Length; i++) items[i] = new FeatureItem(ids[i], []);
        WriteCore(items, prepared, upsert ? LogOp.Upsert : LogOp.Add, source);
    }

    private void Write(IReadOnlyList<FeatureItem> items, LogOp op)
    {
        int dim = Dimension;
        var prepared = new float[(long)items.Count * dim];
        for (int i = 0; i < items.Count; i++)
        {
            var v = items[i].Vector ?? throw new SeerException(ErrorCodes.InvalidInput, $"item '{items[i].Id}' has no vector");
            if (v.Length != dim)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"item '{items[i].Id}' has dimension {v.Length}, feature group '{Name}' expects {dim}");
            v.CopyTo(prepared.AsSpan(i * dim, dim));
        }
        WriteCore(items, prepared, op, null);
    }

    private void WriteCore(IReadOnlyList<FeatureItem> items, float[] prepared, LogOp op, string? source)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int dim = Dimension;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            string id = items[i].Id;
            if (string.IsNullOrEmpty(id)) throw new SeerException(ErrorCodes.InvalidInput, $"item {i} has an empty id", source);
            if (!seen.Add(id))
                throw new SeerException(ErrorCodes.InvalidInput, $"duplicate id '{id}' (item {i}) in one write to feature group '{Name}'", source);
            VectorChecks.Prepare(prepared.AsSpan(i * dim, dim), Options.Metric, $"item '{id}' (row {i})", source);
        }
        var records = new LogRecord[items.Count];
        for (int i = 0; i < items.Count; i++)
            records[i] = new LogRecord(op, items[i].Id, items[i].Metadata, prepared.AsMemory(i * dim, dim));
        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Only writers change the ids, and they hold the gate: reading them here without the lock is safe.
            if (op == LogOp.Add)
                foreach (var item in items)
                    if (_data.SlotOf.ContainsKey(item.Id))
                        throw new SeerException(ErrorCodes.Conflict,
                            $"id '{item.Id}' is already in feature group '{Name}'; remove it first or upsert", source);
            _storage?.Append(records);
            _rw.EnterWriteLock();
            try
            {
                int first = _data.Slots;
                _data.Reserve(first + items.Count);
                for (int i = 0; i < items.Count; i++) _data.Put(items[i].Id, prepared.AsSpan(i * dim, dim), items[i].Metadata);
                _data.Index(first, _data.Slots, Threads);
            }
            finally { _rw.ExitWriteLock(); }
            CompactIfLogIsLarge();
        }
    }

    /// <summary>Removes items by id; fails (changing nothing) if an id is not in the group. Returns how many went.</summary>
    public int Remove(IReadOnlyList<string> ids)
    {
        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var unique = new HashSet<string>(StringComparer.Ordinal);
            foreach (string id in ids)
            {
                if (!_data.SlotOf.ContainsKey(id))
                    throw new SeerException(ErrorCodes.NotFound, $"id '{id}' is not in feature group '{Name}'");
                unique.Add(id);
            }
            _storage?.Append(unique.Select(id => new LogRecord(LogOp.Remove, id, null, default)).ToArray());
            _rw.EnterWriteLock();
            try
            {
                foreach (string id in unique) _data.Remove(id);
            }
            finally { _rw.ExitWriteLock(); }
            CompactIfLogIsLarge();
            return unique.Count;
        }
    }

    /// <summary>The item with this id (its stored vector: unit length for cosine groups), or null.</summary>
    public FeatureItem? Get(string id)
    {
        _rw.EnterReadLock();
        try
        {
            if (!_data.SlotOf.TryGetValue(id, out int slot)) return null;
            return new FeatureItem(id, _data.Store.Vector(slot).ToArray(), _data.MetadataAt(slot));
        }
        finally { _rw.ExitReadLock(); }
    }

    /// <summary>Ids of every live item, in insertion order.</summary>
    public IReadOnlyList<string> Ids()
    {
        _rw.EnterReadLock();
        try
        {
            var ids = new List<string>(_data.LiveCount);
            for (int s = 0; s < _data.Slots; s++) if (_data.Alive[s] != 0) ids.Add(_data.IdAt(s));
            return ids;
        }
        finally { _rw.ExitReadLock(); }
    }

    /// <summary>Most results one query may ask for (each query keeps a heap of k candidates per worker).</summary>
    public const int MaxK = 1_000_000;

    /// <summary>1:N search: the top <paramref name="k"/> items for one query, best first, optionally only those whose
    /// score passes <paramref name="threshold"/> (similarity ≥ threshold; for L2, distance ≤ threshold).</summary>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, float? threshold = null)
    {
        var q = query.ToArray();
        return SearchBatch(q, k, threshold)[0];
    }

    /// <summary>k:N search: <paramref name="queries"/> holds nq × Dimension floats, row-major; one list per query.</summary>
    public IReadOnlyList<IReadOnlyList<SearchHit>> SearchBatch(ReadOnlyMemory<float> queries, int k, float? threshold = null,
        string? source = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int dim = Dimension;
        if (k < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"--k must be > 0 (was {k})");
        if (k > MaxK) throw new SeerException(ErrorCodes.InvalidOptions, $"--k {k} is above the limit of {MaxK} results per query");
        if (queries.Length % dim != 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"queries have {queries.Length} values, not a multiple of feature group '{Name}' dimension {dim}", source);
        int nq = queries.Length / dim;
        using var block = new QueryBlock(queries.Span, nq, dim, _data.Store.Stride, Options.Metric, source);
        _rw.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            k = Math.Min(k, Math.Max(1, _data.Slots)); // no list is longer than the group; keeps the heaps small
            return Options.Index == IndexKind.Hnsw ? SearchHnsw(block, nq, k, threshold) : SearchExact(block, nq, k, threshold);
        }
        finally { _rw.ExitReadLock(); }
    }

    private IReadOnlyList<SearchHit>[] SearchExact(QueryBlock block, int nq, int k, float? threshold)
    {
        bool l2 = Options.Metric == DistanceMetric.L2;
        var floors = new float[nq];
        for (int q = 0; q < nq; q++)
            floors[q] = threshold is not { } t ? float.NegativeInfinity : l2 ? block.Norms[q] - t : t;
        int threads = (long)_data.Slots * nq * _data.Store.Stride < InlineWork ? 1 : Threads;
        var heaps = Options.Quantization == VectorQuantization.Int8
            ? ExactScanner.SearchQuantized(_data.Store, _data.Alive, block.Pointer, nq, k, floors, l2, threads, Options.RerankFactor)
            : ExactScanner.Search(_data.Store, _data.Alive, block.Pointer, nq, k, floors, l2, threads);
        var results = new IReadOnlyList<SearchHit>[nq];
        for (int q = 0; q < nq; q++)
        {
            var sorted = heaps[q].ToSortedArray();
            var hits = new SearchHit[sorted.Length];
            for (int i = 0; i < sorted.Length; i++)
            {
                float s = sorted[i].Score;
                hits[i] = new SearchHit(_data.IdAt(sorted[i].Slot), l2 ? Math.Max(0, block.Norms[q] - s) : s);
            }
            results[q] = hits;
        }
        return results;
    }

    private IReadOnlyList<SearchHit>[] SearchHnsw(QueryBlock block, int nq, int k, float? threshold)
    {
        var hnsw = _data.Hnsw!;
        bool l2 = Options.Metric == DistanceMetric.L2;
        var results = new IReadOnlyList<SearchHit>[nq];
        int ef = EfSearch;
        var alive = _data.Alive;
        int stride = _data.Store.Stride;
        nint basePtr = (nint)block.Pointer;
        void One(int q)
        {
            var found = hnsw.Search((float*)basePtr + (long)q * stride, k, ef, alive);
            var hits = new List<SearchHit>(found.Count);
            foreach (var (dist, slot) in found)
            {
                float score = l2 ? dist : -dist;
                if (threshold is { } t && (l2 ? score > t : score < t)) continue;
                hits.Add(new SearchHit(_data.IdAt(slot), score));
            }
            results[q] = hits;
        }
        if (nq < 4 || Threads <= 1)
            for (int q = 0; q < nq; q++) One(q);
        else
            Parallel.For(0, nq, new ParallelOptions { MaxDegreeOfParallelism = Threads }, One);
        return results;
    }

    /// <summary>Folds the log into a new snapshot now (no-op for in-memory groups).</summary>
    public void Compact()
    {
        if (_storage is null) return;
        // The snapshot only reads the in-memory state, which changes only under the gate: searches keep running.
        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _storage.Compact(_data);
        }
    }

    private void CompactIfLogIsLarge()
    {
        if (_storage is null) return;
        long log = _storage.LogBytes;
        if (log > 64L << 20 && log > _storage.SnapshotBytes / 2) _storage.Compact(_data);
    }

    /// <summary>Closes files without compacting: what the operating system does to a killed process. For tests.</summary>
    internal void Abandon()
    {
        _disposed = true;
        _storage?.Dispose();
        _data.Dispose();
    }

    public void Dispose()
    {
        lock (_writeGate)
        {
            if (_disposed) return;
            _disposed = true;
            _rw.EnterWriteLock();
            try
            {
                _storage?.Dispose();
                _data.Dispose();
            }
            finally { _rw.ExitWriteLock(); }
        }
    }
}
