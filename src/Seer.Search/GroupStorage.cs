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
    private static readonly byte[] LogMagic = "SEERLOG1"u8.ToArray();
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
        bool fresh = true;
        if (File.Exists(log))
        {
            long good = ReplayLog(log, data, out long logGeneration);
            if (logGeneration == _generation)
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
        if (fresh) StartLog();
        data.Index(indexedUpTo, data.Slots, threads);
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

    /// <summary>Appends records and fsyncs; when this returns the changes survive a crash.</summary>
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
                if (buffer.Length >= 16 << 20)
                {
                    log.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                    buffer.SetLength(0);
                }
            }
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

    private long ReplayLog(string path, GroupData data, out long generation)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        long length = stream.Length;
        Span<byte> header = stackalloc byte[LogHeader];
        if (length < LogHeader || stream.ReadAtLeast(header, LogHeader, false) < LogHeader || !header[..8].SequenceEqual(LogMagic))
            throw Corrupt(path, "it is not a Seer feature-group log");
        generation = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        if (generation > _generation) throw Corrupt(path, $"its generation {generation} is newer than the snapshot's {_generation}");
        if (generation < _generation) return LogHeader; // stale: already folded into the snapshot
        long offset = LogHeader;
        var payload = new byte[1024];
        Span<byte> head = stackalloc byte[8];
        int dim = data.Options.Dimension;
        var vector = new float[dim];
        while (offset < length)
        {
            if (length - offset < 8) { DroppedTornRecord = true; break; }
            stream.ReadExactly(head);
            int size = BinaryPrimitives.ReadInt32LittleEndian(head);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            if (size < 0 || size > length - offset - 8) { DroppedTornRecord = true; break; }
            if (payload.Length < size) payload = new byte[Math.Max(size, payload.Length * 2)];
            stream.ReadExactly(payload, 0, size);
            if (Crc32C.Compute(payload.AsSpan(0, size)) != crc)
            {
                if (offset + 8 + size == length) { DroppedTornRecord = true; break; }
                throw Corrupt(path, $"record at byte {offset} fails its checksum and is not the last one");
            }
            ApplyRecord(payload.AsSpan(0, size), data, vector, path, offset);
            offset += 8 + size;
            Replayed++;
        }
        return offset;
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
