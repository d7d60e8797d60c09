using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting.Models;
using Seer.Inference.Processing;
using Seer.Search;

namespace Seer.Hosting.Search;

/// <summary>
/// The server's feature groups: the workspace's <see cref="SearchWorkspace"/> with every group kept open once used
/// (a stored group holds an exclusive lock on its folder, and reopening replays its log), and image embedding through
/// a served embed model. Glue only: validation, search and comparison are Seer.Search's.
/// </summary>
public sealed class FeatureGroupHost : IDisposable
{
    private readonly SearchWorkspace _workspace;
    private readonly ModelCatalog _models;
    private readonly Dictionary<string, FeatureGroup> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public FeatureGroupHost(IOptions<HostingOptions> options, ModelCatalog models)
    {
        _workspace = new SearchWorkspace(options.Value.Home);
        _models = models;
    }

    /// <summary>Creates a group; fails with a conflict if the name is taken.</summary>
    public FeatureGroupInfo Create(string name, FeatureGroupOptions options)
    {
        lock (_gate)
        {
            var group = _workspace.Create(name, options);
            _open[name] = group;
            return new FeatureGroupInfo(name, group.Options, group.Count);
        }
    }

    /// <summary>Every stored group with its settings and live item count.</summary>
    public IReadOnlyList<FeatureGroupInfo> List()
    {
        lock (_gate)
        {
            // Groups this host holds open are counted here; SearchWorkspace.List cannot open them a second time.
            return _workspace.List()
                .Select(info => _open.TryGetValue(info.Name, out var g) ? info with { Items = g.Count } : info)
                .ToList();
        }
    }

    /// <summary>The open group (opened on first use).</summary>
    public FeatureGroup Get(string name)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(name, out var group)) return group;
            group = _workspace.Open(name);
            _open[name] = group;
            return group;
        }
    }

    /// <summary>Whether a group of that name is stored (or open here).</summary>
    public bool Exists(string name)
    {
        lock (_gate) return _open.ContainsKey(name) || _workspace.Exists(name);
    }

    public FeatureGroupInfo Info(string name)
    {
        var group = Get(name);
        return new FeatureGroupInfo(name, group.Options, group.Count);
    }

    /// <summary>Closes and deletes a group with its files.</summary>
    public void Delete(string name)
    {
        lock (_gate)
        {
            if (_open.Remove(name, out var group)) group.Dispose();
            _workspace.Delete(name);
        }
    }

    /// <summary>One feature vector per image from a served embed model, in order.</summary>
    public IReadOnlyList<float[]> Embed(string model, IReadOnlyList<EncodedImage> images)
    {
        if (images.Count == 0) throw new SeerException(ErrorCodes.InvalidInput, "no images were sent");
        if (_models.IsFaceBundle(model)) return EmbedFaces(model, images);
        var predictor = _models.Embedder(model);
        var predictions = predictor.Predict(images);
        var vectors = new float[images.Count][];
        for (int i = 0; i < images.Count; i++)
            vectors[i] = predictions[i].Embedding
                ?? throw new SeerException(ErrorCodes.InvalidInput, $"model '{model}' gave no feature vector for image '{images[i].Name}'", images[i].Name);
        return vectors;
    }

    /// <summary>
    /// The 1:1 threshold a served embed model was calibrated with for a target false-accept rate (its spec's
    /// <c>verification_thresholds</c>, from <c>seer model eval</c> on its validation version); null when it has none
    /// for that rate.
    /// </summary>
    public float? CalibratedThreshold(string model, string far)
    {
        var thresholds = _models.IsFaceBundle(model)
            ? _models.Faces(model).Bundle.VerificationThresholds : _models.Embedder(model).Spec.VerificationThresholds;
        return thresholds is not null && thresholds.TryGetValue(far, out float t) ? t : null;
    }

    /// <summary>A face bundle: the embedding of each image's best face (highest quality); an image without a face is a 400.</summary>
    private IReadOnlyList<float[]> EmbedFaces(string model, IReadOnlyList<EncodedImage> images)
    {
        var pipeline = _models.Faces(model);
        if (pipeline.EmbeddingDimension is null)
            throw new SeerException(ErrorCodes.InvalidInput, $"face bundle '{model}' has no embedding model", model);
        return images.Select(image => pipeline.Detect(image).OrderByDescending(f => f.Quality.Score).FirstOrDefault()?.Embedding
            ?? throw new SeerException(ErrorCodes.InvalidInput, $"no face found in image '{image.Name}' by model '{model}'", image.Name)).ToList();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var group in _open.Values) group.Dispose();
            _open.Clear();
        }
    }
}
