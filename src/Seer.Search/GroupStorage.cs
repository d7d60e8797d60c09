using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Seer.Core.Errors;

namespace Seer.Search;

/// <summary>
/// A feature group on disk: <c>group.json</c> (settings), <c>snapshot.bin</c> (every item, the vectors and the HNSW
/// graph, with a trailing CRC-32C; replaced atomically by temp + fsync + rename) and <c>log.bin</c> (append-only,
/// one record per change: length, CRC-32C, payload; fsynced before a write is acknowledged). Both files carry a
/// generation number: compaction writes snapshot n+1, then a fresh log n+1, so a crash between the two leaves a
/// log of generation n that loading ignores (its changes are already in the snapshot). Recovery replays the log
/// and drops a torn last record. A <c>.lock</c> file held exclusively keeps other processes out while open.
/// </summary>
internal sealed unsafe class GroupStorage : IDisposable
{
    public const string OptionsFile = "group.json";
    private const string SnapshotFile = "snapshot.bin";
    private const string LogFile = "log.bin";
    private const string LockFile = ".lock";
    private static readonly byte[] SnapshotMagic = "SEERSNP1"u8.ToArray();
    private static readonly byte[] LogMagicV1 = "SEERLOG1"u8.ToArray();
    /// <summary>Format 2: each write call's records are followed by a commit record; records without one are a torn batch.</summary>
    private static readonly byte[] LogMagic = "SEERLOG2"u8.ToArray();
    private const int LogHeader = 16;

    private readonly string _dir;
    private readonly string _name;
    private readonly FileStream _lock;
    private FileStream? _log;
    private long _generation;

    private GroupStorage(string dir, string name, FileStream lockStream)
    {
        _dir = dir;
        _name = name;
        _lock = lockStream;
    }

    public long LogBytes => _log?.Length ?? 0;
    public long SnapshotBytes { get; private set; }
    /// <summary>Records replayed from the log when the group was opened.</summary>
    public int Replayed { get; private set; }
    /// <summary>True when loading dropped a torn last record.</summary>
    public bool DroppedTornRecord { get; private set; }

    /// <summary>Takes the group's lock; fails with a conflict when another process has the group open.</summary>
    public static GroupStorage Acquire(string dir, string name)
    {
        try
        {
            var stream = new FileStream(Path.Combine(dir, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new GroupStorage(dir, name, stream);
        }
        catch (IOException ex)
        {
            throw new SeerException(ErrorCodes.Conflict,
                $"feature group '{name}' is open in another process; wait for it to finish", dir, ex);
        }
    }

    /// <summary>Loads the snapshot and replays the log into empty <paramref name="data"/>.</summary>
    public void Load(GroupData data, int threads)
    {
        string snapshot = Path.Combine(_dir, SnapshotFile);
        if (File.Exists(snapshot)) ReadSnapshot(snapshot, data);
        int indexedUpTo = data.Slots;
        string log = Path.Combine(_dir, LogFile);
        bool fresh = true, upgrade = false;
        if (File.Exists(log))
        {
            long good = ReplayLog(log, data, out long logGeneration, out bool batched);
            if (logGeneration == _generation && !batched)
            {
                upgrade = true; // a format-1 log with live records: folded into a snapshot below, then a format-2 log
            }
            else if (logGeneration == _generation)
            {
                fresh = false;
                _log = new FileStream(log, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1);
                if (good < _log.Length)
                {
                    _log.SetLength(good);
                    _log.Flush(flushToDisk: true);
                }
                _log.Seek(0, SeekOrigin.End);
            }
        }
        if (fresh && !upgrade) StartLog();
        data.Index(indexedUpTo, data.Slots, threads);
        if (upgrade) Compact(data);
    }

    private void StartLog()
    {
        _log?.Dispose();
        string log = Path.Combine(_dir, LogFile);
        DurableFile.Replace(log, s =>
        {
            Span<byte> header = stackalloc byte[LogHeader];
            LogMagic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], _generation);
            s.Write(header);
        });
        _log = new FileStream(log, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1);
        _log.Seek(0, SeekOrigin.End);
    }

    /// <summary>
    /// Appends records and a commit record, then fsyncs; when this returns the changes survive a crash. A process
    /// killed before the commit record is on disk leaves a torn batch, which loading drops whole.
    /// </summary>
    public void Append(IReadOnlyList<LogRecord> records)
    {
        var log = _log ?? throw new InvalidOperationException("log not open");
        long start = log.Length;
        var buffer = new MemoryStream();
        var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        try
        {
            foreach (var record in records)
            {
                long at = buffer.Position;
                writer.Write(0L); // length + crc, filled below
                writer.Write((byte)record.Op);
                writer.Write(record.Id);
                writer.Write(record.Metadata is not null);
                if (record.Metadata is not null) writer.Write(record.Metadata);
                if (record.Op != LogOp.Remove) writer.Write(MemoryMarshal.AsBytes(record.Vector.Span));
                writer.Flush();
                int length = (int)(buffer.Position - at - 8);
                var bytes = buffer.GetBuffer().AsSpan((int)at);
                BinaryPrimitives.WriteInt32LittleEndian(bytes, length);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], Crc32C.Compute(bytes.Slice(8, length)));
                if (buffer.Length >= 4 << 20)
                {
                    log.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                    buffer.SetLength(0);
                }
            }
            // The commit record: op and the number of records it closes.
            long commitAt = buffer.Position;
            writer.Write(0L);
            writer.Write((byte)LogOp.Commit);
            writer.Write(records.Count);
            writer.Flush();
            var commit = buffer.GetBuffer().AsSpan((int)commitAt);
            BinaryPrimitives.WriteInt32LittleEndian(commit, 5);
            BinaryPrimitives.WriteUInt32LittleEndian(commit[4..], Crc32C.Compute(commit.Slice(8, 5)));
            log.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            log.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            // Leave no partial batch behind: the in-memory state was not changed either.
            log.SetLength(start);
            throw new SeerException(ErrorCodes.Unavailable, $"cannot write the log of feature group '{_name}': {ex.Message}",
                Path.Combine(_dir, LogFile), ex);
        }
    }

    /// <summary>
    /// Replays the log; returns the length of its good part. Format 2 applies a batch's records only when its commit
    /// record is read; a batch without one at the end (a killed write) is dropped whole and its bytes cut off.
    /// </summary>
    private long ReplayLog(string path, GroupData data, out long generation, out bool batched)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        long length = stream.Length;
        Span<byte> header = stackalloc byte[LogHeader];
        if (length < LogHeader || stream.ReadAtLeast(header, LogHeader, false) < LogHeader)
            throw Corrupt(path, "it is not a Seer feature-group log");
        batched = header[..8].SequenceEqual(LogMagic);
        if (!batched && !header[..8].SequenceEqual(LogMagicV1))
            throw Corrupt(path, "it is not a Seer feature-group log");
        generation = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        if (generation > _generation) throw Corrupt(path, $"its generation {generation} is newer than the snapshot's {_generation}");
        if (generation < _generation) return LogHeader; // stale: already folded into the snapshot
        long offset = LogHeader, committed = LogHeader;
        var payload = new byte[1024];
        Span<byte> head = stackalloc byte[8];
        int dim = data.Options.Dimension;
        var vector = new float[dim];
        var pending = new List<(byte[] Payload, long Offset)>();
        while (offset < length)
        {
            if (length - offset < 8) { DroppedTornRecord = true; break; }
            stream.ReadExactly(head);
            int size = BinaryPrimitives.ReadInt32LittleEndian(head);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            if (size < 1 || size > length - offset - 8) { DroppedTornRecord = true; break; }
            if (payload.Length < size) payload = new byte[Math.Max(size, payload.Length * 2)];
            stream.ReadExactly(payload, 0, size);
            if (Crc32C.Compute(payload.AsSpan(0, size)) != crc)
            {
                if (offset + 8 + size == length) { DroppedTornRecord = true; break; }
                throw Corrupt(path, $"record at byte {offset} fails its checksum and is not the last one");
            }
            if (!batched)
            {
                ApplyRecord(payload.AsSpan(0, size), data, vector, path, offset);
                Replayed++;
                offset += 8 + size;
                committed = offset;
                continue;
            }
            if ((LogOp)payload[0] == LogOp.Commit)
            {
                int count = size >= 5 ? BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(1)) : -1;
                if (count != pending.Count)
                    throw Corrupt(path, $"commit record at byte {offset} closes {count} records but {pending.Count} precede it");
                foreach (var (p, at) in pending) ApplyRecord(p, data, vector, path, at);
                Replayed += pending.Count;
                pending.Clear();
                offset += 8 + size;
                committed = offset;
                continue;
            }
            pending.Add((payload.AsSpan(0, size).ToArray(), offset));
            offset += 8 + size;
        }
        if (pending.Count > 0) DroppedTornRecord = true; // a batch without its commit record: none of it counts
        return committed;
    }

    private void ApplyRecord(ReadOnlySpan<byte> payload, GroupData data, float[] vector, string path, long offset)
    {
        using var reader = new BinaryReader(new MemoryStream(payload.ToArray()), Encoding.UTF8);
        try
        {
            var op = (LogOp)reader.ReadByte();
            string id = reader.ReadString();
            string? metadata = reader.ReadBoolean() ? reader.ReadString() : null;
            if (op == LogOp.Remove)
            {
                data.Remove(id);
                return;
            }
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
            data.Put(id, vector, metadata);
        }
        catch (EndOfStreamException ex)
        {
            throw Corrupt(path, $"record at byte {offset} is shorter than its content", ex);
        }
    }

    /// <summary>Folds the log into a new snapshot (generation + 1) and starts an empty log.</summary>
    public void Compact(GroupData data)
    {
        long next = _generation + 1;
        string snapshot = Path.Combine(_dir, SnapshotFile);
        DurableFile.Replace(snapshot, s => WriteSnapshot(s, data, next));
        _generation = next;
        SnapshotBytes = new FileInfo(snapshot).Length;
        StartLog();
    }

    private static void WriteSnapshot(Stream file, GroupData data, long generation)
    {
        var crc = new CrcStream(file);
        using (var writer = new BinaryWriter(crc, Encoding.UTF8, leaveOpen: true))
        {
            var store = data.Store;
            bool all = data.Hnsw is not null; // the graph refers to slots, so keep dead slots
            int slots = all ? data.Slots : data.LiveCount;
            writer.Write(SnapshotMagic);
            writer.Write(1); // format version
            writer.Write(generation);
            writer.Write(store.Dimension);
            writer.Write(store.Stride);
            writer.Write(slots);
            for (int s = 0; s < data.Slots; s++)
            {
                bool alive = data.Alive[s] != 0;
                if (!all && !alive) continue;
                writer.Write(alive);
                writer.Write(data.IdAt(s));
                string? metadata = data.MetadataAt(s);
                writer.Write(metadata is not null);
                if (metadata is not null) writer.Write(metadata);
            }
            for (int s = 0; s < data.Slots; s++)
            {
                if (!all && data.Alive[s] == 0) continue;
                writer.Write(new ReadOnlySpan<byte>(store.Row(s), store.Stride * sizeof(float)));
            }
            data.Hnsw?.Write(writer, slots);
            writer.Flush();
        }
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, crc.Crc);
        file.Write(tail);
    }

    private void ReadSnapshot(string path, GroupData data)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        SnapshotBytes = file.Length;
        var crc = new CrcStream(file);
        using var reader = new BinaryReader(crc, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(8).AsSpan().SequenceEqual(SnapshotMagic) || reader.ReadInt32() != 1)
                throw Corrupt(path, "it is not a Seer feature-group snapshot (format 1)");
            _generation = reader.ReadInt64();
            int dim = reader.ReadInt32(), stride = reader.ReadInt32(), slots = reader.ReadInt32();
            if (dim != data.Options.Dimension || stride != data.Store.Stride || slots < 0)
                throw Corrupt(path, $"it holds dimension {dim}, the group's settings say {data.Options.Dimension}");
            data.Reserve(slots);
            var alive = new bool[slots];
            var ids = new string[slots];
            var metadata = new string?[slots];
            for (int s = 0; s < slots; s++)
            {
                alive[s] = reader.ReadBoolean();
                ids[s] = reader.ReadString();
                metadata[s] = reader.ReadBoolean() ? reader.ReadString() : null;
            }
            var store = data.Store;
            const int rowsPerRead = 4096;
            for (int s = 0; s < slots; s += rowsPerRead)
            {
                int n = Math.Min(rowsPerRead, slots - s);
                crc.ReadExactly(new Span<byte>(store.Row(s), n * stride * sizeof(float)));
            }
            store.SetCount(slots);
            for (int s = 0; s < slots; s++)
            {
                store.FinishRow(s);
                data.Restore(s, ids[s], metadata[s], alive[s]);
            }
            data.Hnsw?.Read(reader, slots);
            uint computed = crc.Crc;
            Span<byte> tail = stackalloc byte[4];
            file.ReadExactly(tail);
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail) != computed)
                throw Corrupt(path, "its checksum does not match (the file is damaged)");
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
        {
            throw Corrupt(path, $"it ends early or is malformed ({ex.Message})", ex);
        }
    }

    private SeerException Corrupt(string path, string reason, Exception? inner = null) =>
        new(ErrorCodes.InvalidInput, $"feature group '{_name}': cannot read {Path.GetFileName(path)}: {reason}", path, inner);

    public void Dispose()
    {
        _log?.Dispose();
        _log = null;
        _lock.Dispose();
    }
}
