using System.Collections.Concurrent;
using Seer.Core.Errors;
using Seer.Hosting.Storage;
using Seer.Inference;
using Seer.Inference.Faces;
using Seer.Inference.ImageApi;
using Seer.Inference.Models;
using Seer.Data.Relational;

namespace Seer.Hosting.Models;

/// <summary>
/// The served models (table served_models) and, for the image API, one loaded analyzer per model and score
/// threshold, kept until the model is removed or the host stops.
/// </summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly HostingDatabase _db;
    private readonly ConcurrentDictionary<string, Lazy<(OnnxModel Model, ConcurrentDictionary<float, ImageAnalyzer> Analyzers)>> _loaded = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string Name, float Threshold), Predictor> _predictors = new();
    private readonly ConcurrentDictionary<string, Predictor> _embedders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<FacePipeline>> _faces = new(StringComparer.Ordinal);

    private readonly Training.ModelMirror? _mirror;

    public ModelCatalog(HostingDatabase db, Training.ModelMirror? mirror = null)
    {
        _db = db;
        _mirror = mirror;
    }

    public IReadOnlyList<ServedModel> List()
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, onnx_path, manifest_path, created_by, created_at FROM served_models ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<ServedModel>();
        while (r.Read())
            list.Add(new ServedModel(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
                _db.ReadTime(r, 4)));
        return list;
    }

    public ServedModel Get(string name) =>
        List().FirstOrDefault(m => m.Name == name)
        ?? throw new SeerException(ErrorCodes.NotFound, $"model '{name}' is not served here; served: {string.Join(", ", List().Select(m => m.Name).DefaultIfEmpty("none"))}", name);

    /// <summary>Registers an ONNX file under a name after loading it once (so a broken model is refused now, not at the first request).</summary>
    public ServedModel Register(string name, string onnxPath, string? manifestPath, string by)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\'))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{name}' is not a usable model name (1-100 characters, no spaces or slashes)", name);
        if (List().Any(m => m.Name == name)) throw new SeerException(ErrorCodes.Conflict, $"a model named '{name}' is already served", name);
        if (FaceBundle.IsBundlePath(onnxPath))
        {
            using var faces = FacePipeline.Open(onnxPath); // a face bundle (docs/identity.md): opened once to refuse a broken one now
        }
        else
        {
            using var probe = ModelOpener.Open(onnxPath, manifestPath);
        }
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO served_models (name, onnx_path, manifest_path, created_by, created_at) VALUES (@n, @o, @m, @b, @t)";
        RelationalDatabase.AddParameter(cmd, "n", name);
        RelationalDatabase.AddParameter(cmd, "o", Path.GetFullPath(onnxPath));
        RelationalDatabase.AddParameter(cmd, "m", manifestPath is null ? DBNull.Value : Path.GetFullPath(manifestPath));
        RelationalDatabase.AddParameter(cmd, "b", by);
        RelationalDatabase.AddParameter(cmd, "t", _db.CurrentTime());
        cmd.ExecuteNonQuery();
        return Get(name);
    }

    public void Remove(string name)
    {
        Get(name);
        using (var c = _db.Open())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "DELETE FROM served_models WHERE name = @n";
            RelationalDatabase.AddParameter(cmd, "n", name);
            cmd.ExecuteNonQuery();
        }
        foreach (var key in _predictors.Keys.Where(k => k.Name == name).ToList()) _predictors.TryRemove(key, out _);
        _embedders.TryRemove(name, out _);
        if (_faces.TryRemove(name, out var face) && face.IsValueCreated) face.Value.Dispose();
        if (_loaded.TryRemove(name, out var lazy) && lazy.IsValueCreated) lazy.Value.Model.Dispose();
    }

    /// <summary>The image API analyzer of a model at a score threshold (loaded once, then shared; thread-safe).</summary>
    public ImageAnalyzer Analyzer(string name, float scoreThreshold)
    {
        var entry = Loaded(name);
        return entry.Analyzers.GetOrAdd(scoreThreshold, t =>
        {
            var predictor = new Predictor(entry.Model, new PredictorOptions { ScoreThreshold = t });
            return predictor.Spec.Task == "detect" ? new ImageAnalyzer(predictor) : new ImageAnalyzer(null, new Dictionary<string, Predictor> { ["class"] = predictor });
        });
    }

    /// <summary>A predictor of a served model at a score threshold (detections, or every class's score for a classifier), sharing the loaded model.</summary>
    public Predictor Predictor(string name, float scoreThreshold)
    {
        var entry = Loaded(name);
        return _predictors.GetOrAdd((name, scoreThreshold), _ => new Predictor(entry.Model, new PredictorOptions { ScoreThreshold = scoreThreshold }));
    }

    /// <summary>The predictor of a served feature (embed) model (loaded once, then shared; thread-safe).</summary>
    public Predictor Embedder(string name)
    {
        var entry = Loaded(name);
        if (entry.Model.Spec.Task != "embed")
            throw new SeerException(ErrorCodes.InvalidInput, $"model '{name}' is a {entry.Model.Spec.Task} model, not a feature (embed) model", name);
        return _embedders.GetOrAdd(name, _ => new Predictor(entry.Model));
    }

    /// <summary>True when the served model is a face bundle (<c>.face.json</c>) rather than one ONNX model.</summary>
    public bool IsFaceBundle(string name) => FaceBundle.IsBundlePath(Get(name).OnnxPath);

    /// <summary>The face pipeline of a served face bundle (loaded once, then shared; thread-safe).</summary>
    public FacePipeline Faces(string name)
    {
        var model = Get(name);
        if (!FaceBundle.IsBundlePath(model.OnnxPath))
            throw new SeerException(ErrorCodes.InvalidInput, $"model '{name}' is not a face bundle", name);
        return _faces.GetOrAdd(name, _ => new Lazy<FacePipeline>(() => FacePipeline.Open(Local(model).OnnxPath))).Value;
    }

    /// <summary>In a cluster, a model a worker trained and registered names a file under that worker's HOME: this machine's copy.</summary>
    private ServedModel Local(ServedModel model) => _mirror is null ? model
        : model with { OnnxPath = _mirror.LocalPath(model.OnnxPath), ManifestPath = model.ManifestPath is { } m ? _mirror.LocalPath(m) : null };

    private (OnnxModel Model, ConcurrentDictionary<float, ImageAnalyzer> Analyzers) Loaded(string name)
    {
        var model = Get(name);
        return _loaded.GetOrAdd(name, _ => new Lazy<(OnnxModel, ConcurrentDictionary<float, ImageAnalyzer>)>(
            () => (Local(model).Load(), new ConcurrentDictionary<float, ImageAnalyzer>()))).Value;
    }

    public void Dispose()
    {
        foreach (var lazy in _loaded.Values)
            if (lazy.IsValueCreated) lazy.Value.Model.Dispose();
        _loaded.Clear();
        foreach (var face in _faces.Values)
            if (face.IsValueCreated) face.Value.Dispose();
        _faces.Clear();
    }
}
