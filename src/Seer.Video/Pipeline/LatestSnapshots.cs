namespace Seer.Video.Pipeline;

/// <summary>An in-memory sink keeping the last few snapshots of a stream (the server's UI shows them).</summary>
public sealed class LatestSnapshots : ISnapshotSink
{
    private readonly int _capacity;
    private readonly LinkedList<(long Seq, Snapshot Snapshot)> _items = new();
    private readonly Lock _lock = new();
    private long _seq, _written;

    public LatestSnapshots(int capacity = 12) => _capacity = Math.Max(1, capacity);

    public string Name => "latest";
    public SinkStats Stats => new(Interlocked.Read(ref _written), 0, 0, 0);

    public ValueTask WriteAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _items.AddFirst((++_seq, snapshot));
            while (_items.Count > _capacity) _items.RemoveLast();
        }
        Interlocked.Increment(ref _written);
        return ValueTask.CompletedTask;
    }

    /// <summary>Newest first, each with a sequence number that names it in <see cref="Get"/>.</summary>
    public IReadOnlyList<(long Seq, SnapshotEvent Event)> List()
    {
        lock (_lock) return _items.Select(i => (i.Seq, i.Snapshot.Event)).ToList();
    }

    public Snapshot? Get(long seq)
    {
        lock (_lock) return _items.FirstOrDefault(i => i.Seq == seq).Snapshot;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
