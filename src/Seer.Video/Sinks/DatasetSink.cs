using OpenCvSharp;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Data;
using Seer.Imaging;
using Seer.Video.Pipeline;

namespace Seer.Video.Sinks;

/// <summary>Settings of a <see cref="DatasetSink"/>.</summary>
public sealed record DatasetSinkOptions
{
    /// <summary>Snapshots per committed version (default 50); the rest is committed when the sink closes.</summary>
    public int BatchSize { get; init; } = 50;
    /// <summary>A frame whose perceptual hash is within this many bits of one already taken is dropped (default 6; −1 off).</summary>
    public int DuplicateBits { get; init; } = 6;
}

/// <summary>
/// <c>dataset:NAME</c>: each snapshot's full frame (so a detector can learn from it) is stored in the workspace's blob
/// store and committed as an unlabelled image into a new version of dataset NAME (created when missing), in batches;
/// each version's parent is the dataset's previous head, so earlier captures stay. Near-duplicates (perceptual hash
/// within <see cref="DatasetSinkOptions.DuplicateBits"/> of a frame this sink already took) are dropped and counted.
/// Lineage: the version's operation is <c>video-capture</c> with parameters naming the streams and the model; every
/// image carries attributes <c>stream</c>, <c>track_id</c>, <c>frame</c>, <c>label</c>, <c>score</c>, <c>time</c> and
/// <c>model</c>. Such a version is a mining pool: <c>seer mine MODEL NAME</c> ranks it for labelling.
/// </summary>
public sealed class DatasetSink : ISnapshotSink
{
    private readonly Workspace _workspace;
    private readonly string _dataset;
    private readonly DatasetSinkOptions _o;
    private readonly List<ImageRecord> _pending = [];
    private readonly List<ulong> _hashes = [];
    private readonly SortedSet<string> _streams = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _model;
    private long _written, _dropped;
    private readonly List<string> _versions = [];

    private readonly bool _ownsWorkspace;

    /// <param name="ownsWorkspace">Dispose the workspace when the sink is disposed.</param>
    public DatasetSink(Workspace workspace, string dataset, DatasetSinkOptions? options = null, bool ownsWorkspace = false)
    {
        _ownsWorkspace = ownsWorkspace;
        _workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
        Workspace.ValidateDatasetName(dataset);
        _dataset = dataset;
        _o = options ?? new DatasetSinkOptions();
        if (_o.BatchSize < 1) throw new SeerException(ErrorCodes.InvalidOptions, $"dataset sink batch size must be >= 1 (was {_o.BatchSize})");
    }

    public string Name => "dataset:" + _dataset;
    /// <summary>Versions committed so far, oldest first.</summary>
    public IReadOnlyList<string> Versions => _versions;
    /// <summary>Near-duplicates dropped.</summary>
    public long Duplicates => Interlocked.Read(ref _dropped);
    public SinkStats Stats => new(Interlocked.Read(ref _written), 0, Interlocked.Read(ref _dropped), 0);

    public async ValueTask WriteAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var e = snapshot.Event;
        ulong hash = PerceptualHash.Compute(snapshot.FrameJpeg);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_o.DuplicateBits >= 0 && _hashes.Any(h => PerceptualHash.Distance(h, hash) <= _o.DuplicateBits))
            {
                _dropped++;
                return;
            }
            _hashes.Add(hash);
            var put = await _workspace.Blobs.PutAsync(new MemoryStream(snapshot.FrameJpeg, writable: false), cancellationToken).ConfigureAwait(false);
            var (w, h) = Size(snapshot.FrameJpeg);
            string stream = DiskSink.Safe(e.Stream);
            _streams.Add(e.Stream);
            _model ??= snapshot.Model;
            _pending.Add(new ImageRecord(put.Sha256, $"{stream}/{stream}-t{e.TrackId}-f{e.BestFrame}-{put.Sha256[..8]}.jpg", w, h)
            {
                IsLabelled = false,
                Attributes = new Dictionary<string, string>
                {
                    ["stream"] = e.Stream, ["track_id"] = e.TrackId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["frame"] = e.BestFrame.ToString(System.Globalization.CultureInfo.InvariantCulture), ["label"] = e.Label,
                    ["score"] = e.Score.ToString(System.Globalization.CultureInfo.InvariantCulture), ["time"] = e.Time.ToString("O"),
                    ["model"] = snapshot.Model,
                },
            });
            if (_pending.Count >= _o.BatchSize) Commit();
        }
        finally
        {
            _lock.Release();
        }
    }

    private static (int W, int H) Size(byte[] jpeg)
    {
        using var ms = new MemoryStream(jpeg, writable: false);
        if (ImageProbe.TryRead(ms, out var header, out _)) return (header.Width, header.Height);
        using var m = Cv2.ImDecode(jpeg, ImreadModes.Unchanged);
        return (m.Width, m.Height);
    }

    private void Commit()
    {
        if (_pending.Count == 0) return;
        string? head = _workspace.Metadata.FindHead(_dataset);
        var images = new List<ImageRecord>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (head is not null)
            foreach (var i in _workspace.OpenSnapshot(new DatasetRef(_dataset, head)).Images) { images.Add(i); names.Add(i.FileName); }
        foreach (var p in _pending) if (names.Add(p.FileName)) images.Add(p);
        var parameters = new Dictionary<string, object>
        {
            ["streams"] = _streams.ToList(), ["model"] = _model ?? "", ["images"] = _pending.Count,
        };
        var result = _workspace.CommitVersion(_dataset, images, head is null ? [] : [head], "video-capture", parameters);
        _versions.Add(result.Version.Version);
        _written += _pending.Count;
        _pending.Clear();
    }

    /// <summary>Commits what is pending.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try { Commit(); }
        finally { _lock.Release(); }
        _lock.Dispose();
        if (_ownsWorkspace) _workspace.Dispose();
    }
}
