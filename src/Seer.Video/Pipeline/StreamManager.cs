using System.Text.Json;
using System.Text.Json.Serialization;
using Seer.Core.Errors;
using Seer.Video.Sinks;

namespace Seer.Video.Pipeline;

/// <summary>A stored stream configuration (the body of POST /api/streams).</summary>
public sealed record StreamConfig
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("source")] public required string Source { get; init; }
    /// <summary>A served model's name (the server's model catalog): a detector or a face bundle.</summary>
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("fps")] public double? Fps { get; init; }
    [JsonPropertyName("classes")] public IReadOnlyList<string>? Classes { get; init; }
    [JsonPropertyName("min_size")] public double MinSize { get; init; }
    [JsonPropertyName("min_quality")] public double MinQuality { get; init; }
    /// <summary>Polygons as <c>x,y,x,y,...</c> strings, as the CLI's --zone.</summary>
    [JsonPropertyName("zones")] public IReadOnlyList<string>? Zones { get; init; }
    [JsonPropertyName("sinks")] public IReadOnlyList<string>? Sinks { get; init; }
    /// <summary>Detector score threshold (null: 0.1 for a detector, the bundle's own for a face bundle).</summary>
    [JsonPropertyName("threshold")] public float? Threshold { get; init; }
    /// <summary>A served classifier run on each snapshot's crop (the event's "attributes"), as the CLI's --attributes.</summary>
    [JsonPropertyName("attributes")] public string? Attributes { get; init; }
    /// <summary>A served embed model (or a model with a feature output) run on each snapshot's crop (the event's "feature"), as --features.</summary>
    [JsonPropertyName("features")] public string? Features { get; init; }
    /// <summary>Also emit a snapshot of each live track every this many seconds of source time, as --interval.</summary>
    [JsonPropertyName("interval")] public double? Interval { get; init; }
    /// <summary>Whether the stream should be running; running streams start again when the host restarts.</summary>
    [JsonPropertyName("running")] public bool Running { get; init; }
}

/// <summary>What a stream configuration's models open to: the detector (object detector or face bundle; the stream
/// disposes it when it stops) and the crop models.</summary>
public sealed record StreamModelSet(FrameDetector Detector, SnapshotModels Snapshot);

/// <summary>A stream as listed: its configuration and its health (null when it has never run in this process).</summary>
public sealed record StreamStatus([property: JsonPropertyName("config")] StreamConfig Config, [property: JsonPropertyName("health")] StreamHealth? Health);

/// <summary>
/// The server's streams: configurations persisted in one JSON file (written whole through a temporary file and a
/// rename), each startable and stoppable; <see cref="RestoreAsync"/> starts the ones that were running when the host
/// stopped. Each running stream keeps its last snapshots in memory for the UI beside its configured sinks.
/// The host opens the models a configuration names (<see cref="StreamModelSet"/>) and checks them when it is submitted.
/// </summary>
public sealed class StreamManager : IAsyncDisposable
{
    private readonly string _file;
    private readonly Func<StreamConfig, StreamModelSet> _open;
    private readonly SinkContext _sinkContext;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, StreamConfig> _configs;
    private readonly Dictionary<string, Running> _running = [];
    private readonly Dictionary<string, StreamHealth> _lastHealth = [];
    private readonly Dictionary<string, LatestSnapshots> _latest = [];

    private sealed record Running(StreamAnalyzer Analyzer, CancellationTokenSource Stop, Task Task, IReadOnlyList<ISnapshotSink> Sinks);

    /// <param name="file">The configurations file (e.g. HOME/video/streams.json).</param>
    /// <param name="open">Opens the detector (a new <see cref="FrameDetector"/>, disposed when the stream stops) and the
    /// crop models a configuration names (model, threshold, attributes, features).</param>
    public StreamManager(string file, Func<StreamConfig, StreamModelSet> open, SinkContext sinkContext)
    {
        _file = file;
        _open = open;
        _sinkContext = sinkContext;
        _configs = Load(file);
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private static Dictionary<string, StreamConfig> Load(string file)
    {
        if (!File.Exists(file)) return new(StringComparer.Ordinal);
        try
        {
            var list = JsonSerializer.Deserialize<List<StreamConfig>>(File.ReadAllText(file), Json) ?? [];
            return list.ToDictionary(c => c.Id, StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"stream configurations '{file}' cannot be read: {ex.Message}", file, ex);
        }
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_file))!);
        string tmp = _file + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(_configs.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToList(), Json));
        File.Move(tmp, _file, overwrite: true);
    }

    /// <summary>Validates a configuration (without connecting) and stores it under a new id.</summary>
    public async Task<StreamConfig> CreateAsync(StreamConfig config, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(config.Source)) throw new SeerException(ErrorCodes.InvalidInput, "a stream needs a source (file path or rtsp:// URL)");
        if (string.IsNullOrWhiteSpace(config.Model)) throw new SeerException(ErrorCodes.InvalidInput, "a stream needs a model");
        foreach (var s in config.Sinks ?? []) SinkSpec.Validate(s);
        foreach (var z in config.Zones ?? []) Zone.Parse(z);
        if (config.Threshold is { } t && !(t is >= 0 and <= 1)) throw new SeerException(ErrorCodes.InvalidInput, $"threshold must be in [0, 1] (was {t})");
        ToOptions(config with { Id = "check" }).Validate();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = config with { Id = Guid.NewGuid().ToString("N")[..12], Running = false };
            _configs[stored.Id] = stored;
            Save();
            return stored;
        }
        finally { _lock.Release(); }
    }

    public IReadOnlyList<StreamStatus> List()
    {
        lock (_running)
            return _configs.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => new StreamStatus(c, HealthOf(c.Id))).ToList();
    }

    public StreamStatus Get(string id)
    {
        var c = Config(id);
        lock (_running) return new StreamStatus(c, HealthOf(id));
    }

    private StreamHealth? HealthOf(string id) =>
        _running.TryGetValue(id, out var r) ? r.Analyzer.Health : _lastHealth.GetValueOrDefault(id);

    private StreamConfig Config(string id) =>
        _configs.TryGetValue(id, out var c) ? c : throw new SeerException(ErrorCodes.NotFound, $"stream '{id}' does not exist");

    public IReadOnlyList<(long Seq, SnapshotEvent Event)> Snapshots(string id)
    {
        Config(id);
        lock (_running) return _latest.TryGetValue(id, out var l) ? l.List() : [];
    }

    public Snapshot? Snapshot(string id, long seq)
    {
        lock (_running) return _latest.TryGetValue(id, out var l) ? l.Get(seq) : null;
    }

    private static StreamOptions ToOptions(StreamConfig c) => new()
    {
        Name = c.Id, Source = c.Source, AnalysisFps = c.Fps, Classes = c.Classes, MinSize = c.MinSize, MinQuality = c.MinQuality,
        Zones = (c.Zones ?? []).Select(Zone.Parse).ToList(), SnapshotIntervalSeconds = c.Interval,
    };

    public async Task<StreamStatus> StartAsync(string id, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var c = Config(id);
            lock (_running) if (_running.ContainsKey(id)) return new StreamStatus(c, HealthOf(id));
            var models = _open(c);
            var sinks = new List<ISnapshotSink>();
            var latest = new LatestSnapshots();
            sinks.Add(latest);
            try
            {
                foreach (var s in c.Sinks ?? []) sinks.Add(await SinkSpec.OpenAsync(s, _sinkContext, cancellationToken).ConfigureAwait(false));
            }
            catch
            {
                foreach (var s in sinks) await s.DisposeAsync().ConfigureAwait(false);
                await models.Detector.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            StreamAnalyzer analyzer;
            try { analyzer = new StreamAnalyzer(ToOptions(c), models.Detector, sinks, models.Snapshot); }
            catch
            {
                foreach (var s in sinks) await s.DisposeAsync().ConfigureAwait(false);
                await models.Detector.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            var stop = new CancellationTokenSource();
            var task = Task.Run(async () =>
            {
                try { await analyzer.RunAsync(stop.Token).ConfigureAwait(false); }
                catch (SeerException) { } // the health's state and last_error say what happened
                finally
                {
                    foreach (var s in sinks) await s.DisposeAsync().ConfigureAwait(false);
                    await models.Detector.DisposeAsync().ConfigureAwait(false);
                }
            }, CancellationToken.None);
            lock (_running)
            {
                _running[id] = new Running(analyzer, stop, task, sinks);
                _latest[id] = latest;
            }
            _configs[id] = c with { Running = true };
            Save();
            return new StreamStatus(_configs[id], analyzer.Health);
        }
        finally { _lock.Release(); }
    }

    public async Task<StreamStatus> StopAsync(string id, CancellationToken cancellationToken, bool remember = true)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var c = Config(id);
            await StopCoreAsync(id).ConfigureAwait(false);
            if (remember) { _configs[id] = c with { Running = false }; Save(); }
            return new StreamStatus(_configs[id], HealthOf(id));
        }
        finally { _lock.Release(); }
    }

    private async Task StopCoreAsync(string id)
    {
        Running? r;
        lock (_running) _running.Remove(id, out r);
        if (r is null) return;
        await r.Stop.CancelAsync().ConfigureAwait(false);
        await r.Task.ConfigureAwait(false);
        r.Stop.Dispose();
        lock (_running) _lastHealth[id] = r.Analyzer.Health;
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Config(id);
            await StopCoreAsync(id).ConfigureAwait(false);
            _configs.Remove(id);
            lock (_running) { _lastHealth.Remove(id); _latest.Remove(id); }
            Save();
        }
        finally { _lock.Release(); }
    }

    /// <summary>Starts every stream stored as running (host start-up). A stream that cannot start is left stopped with its error in the health.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var c in _configs.Values.Where(c => c.Running).ToList())
        {
            try { await StartAsync(c.Id, cancellationToken).ConfigureAwait(false); }
            catch (SeerException ex)
            {
                lock (_running) _lastHealth[c.Id] = new StreamHealth { Stream = c.Id, State = "failed", LastError = ex.Message };
            }
        }
    }

    /// <summary>Stops every running stream without changing their stored state (they restart with the host).</summary>
    public async ValueTask DisposeAsync()
    {
        List<string> ids;
        lock (_running) ids = _running.Keys.ToList();
        foreach (var id in ids) await StopCoreAsync(id).ConfigureAwait(false);
        _lock.Dispose();
    }
}
