using System.Collections.Concurrent;
using Seer.Core.Errors;
using Seer.Hosting.Models;
using Seer.Inference;
using Seer.Inference.Models;
using Seer.Video.Pipeline;

namespace Seer.Server.Api;

/// <summary>
/// The served models a stream configuration names (<c>model</c>: a detector or a face bundle; <c>attributes</c>: a
/// classifier; <c>features</c>: an embed model), looked up in the <see cref="ModelCatalog"/>: checked when the
/// configuration is submitted (400 naming the field for a model that is not served or has the wrong task) and opened
/// when the stream starts. Each ONNX model is loaded once and shared by the streams that use it; the task rules are
/// Seer.Video's (<see cref="FrameDetector"/>, <see cref="SnapshotModels"/>).
/// </summary>
public sealed class StreamModels(ModelCatalog catalog)
{
    private readonly ConcurrentDictionary<string, Lazy<OnnxModel>> _loaded = new(StringComparer.Ordinal);

    /// <summary>Refuses a configuration whose models are not served or do not fit their field.</summary>
    public void Check(StreamConfig config)
    {
        if (string.IsNullOrWhiteSpace(config.Model)) throw new SeerException(ErrorCodes.InvalidInput, "a stream needs a model", "model");
        if (IsFaceBundle(config.Model, "model"))
        {
            var faces = catalog.Faces(config.Model);
            if (config.Features is not null && faces.EmbeddingDimension is not null)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"features: face bundle '{config.Model}' gives each face snapshot its own embedding as \"feature\"; leave features out", "features");
        }
        else if (Onnx(config.Model, "model").Spec is { Task: not "detect" } spec)
            throw new SeerException(ErrorCodes.InvalidInput, $"model: '{config.Model}' is a {spec.Task} model; a stream needs a detector or a face bundle", "model");
        // Seer.Video's task rules (InvalidOptions: 400, naming the model and what the field needs).
        if (config.Attributes is { } a) SnapshotModels.CheckAttributes(Onnx(a, "attributes").Spec, a);
        if (config.Features is { } f) SnapshotModels.CheckFeatures(Onnx(f, "features").Spec, f);
    }

    /// <summary>A new detector and the crop models of a (checked) configuration.</summary>
    public StreamModelSet Open(StreamConfig config)
    {
        Check(config);
        var detector = catalog.IsFaceBundle(config.Model)
            ? new FrameDetector(catalog.Faces(config.Model), config.Threshold, config.MinSize)
            : new FrameDetector(new Predictor(Onnx(config.Model, "model"), new PredictorOptions { ScoreThreshold = config.Threshold ?? 0.1f, BatchSize = 1 }));
        var snapshot = SnapshotModels.From(config.Attributes is { } a ? Onnx(a, "attributes") : null,
            config.Features is { } f ? Onnx(f, "features") : null, config.Attributes, config.Features);
        return new StreamModelSet(detector, snapshot);
    }

    private bool IsFaceBundle(string name, string field)
    {
        Served(name, field);
        return catalog.IsFaceBundle(name);
    }

    private OnnxModel Onnx(string name, string field)
    {
        if (IsFaceBundle(name, field))
            throw new SeerException(ErrorCodes.InvalidInput, $"{field}: '{name}' is a face bundle, not an ONNX model", field);
        return _loaded.GetOrAdd(name, n => new Lazy<OnnxModel>(() => catalog.Get(n).Load())).Value;
    }

    private void Served(string name, string field)
    {
        if (catalog.List().All(m => m.Name != name))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{field}: model '{name}' is not served here; served: {string.Join(", ", catalog.List().Select(m => m.Name).DefaultIfEmpty("none"))}", field);
    }
}
