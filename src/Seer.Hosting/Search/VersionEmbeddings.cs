using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Seer.Core.Errors;
using Seer.Search;
using Seer.Search.Projection;

namespace Seer.Hosting.Search;

/// <summary>
/// A model's feature vectors over a dataset version, kept as a Seer.Search feature group (cosine, exact) whose item ids
/// are the images' indices in the version: written by the fields job, read by "more like this" (the nearest images to
/// one image) and by the version's 2-D map (PCA of the vectors). One group per (version, model), named
/// <c>emb-VERSION10-HASH12</c> (the hash of the model name, so any model name gives a valid group name).
/// </summary>
public sealed class VersionEmbeddings
{
    /// <summary>Most points a map draws; larger versions are sampled evenly by index.</summary>
    public const int MaxMapPoints = 10_000;

    private readonly FeatureGroupHost _groups;

    public VersionEmbeddings(FeatureGroupHost groups) => _groups = groups;

    public static string GroupName(string version, string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(model);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model)))[..12];
        return $"emb-{version[..Math.Min(10, version.Length)]}-{hash}";
    }

    public bool Has(string version, string model) => _groups.Exists(GroupName(version, model));

    /// <summary>Stores (or replaces) the vectors of a version's images under a model, by image index.</summary>
    public void Store(string version, string model, IReadOnlyList<float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 0) return;
        string name = GroupName(version, model);
        var options = new FeatureGroupOptions { Dimension = vectors[0].Length, Metric = DistanceMetric.Cosine, Index = IndexKind.Exact };
        if (!_groups.Exists(name)) _groups.Create(name, options);
        var group = _groups.Get(name);
        if (group.Dimension != options.Dimension)
        {
            // The model was replaced by one with another feature size: its old vectors mean nothing now.
            _groups.Delete(name);
            _groups.Create(name, options);
            group = _groups.Get(name);
        }
        for (int from = 0; from < vectors.Count; from += 512)
        {
            var batch = new List<FeatureItem>(Math.Min(512, vectors.Count - from));
            for (int i = from; i < Math.Min(vectors.Count, from + 512); i++)
                batch.Add(new FeatureItem(i.ToString(CultureInfo.InvariantCulture), vectors[i]));
            group.Upsert(batch);
        }
    }

    /// <summary>The <paramref name="k"/> images nearest to image <paramref name="index"/> (itself left out), most similar first.</summary>
    public IReadOnlyList<(int Index, float Score)> Similar(string dataset, string version, string model, int index, int k)
    {
        if (k is < 1 or > 200) throw new SeerException(ErrorCodes.InvalidInput, $"k {k} is outside 1..200", "k");
        var group = Open(dataset, version, model);
        var item = group.Get(index.ToString(CultureInfo.InvariantCulture))
            ?? throw new SeerException(ErrorCodes.NotFound, $"image {index} has no feature vector of model '{model}' over {dataset}@{version[..10]}", "index");
        return group.Search(item.Vector, k + 1)
            .Select(hit => (Index: int.Parse(hit.Id, CultureInfo.InvariantCulture), hit.Score))
            .Where(hit => hit.Index != index).Take(k).ToList();
    }

    /// <summary>
    /// The version's images on a plane: the first two principal components of the model's vectors (all images, or an
    /// even sample of <see cref="MaxMapPoints"/> by index for larger versions).
    /// </summary>
    public (int[] Indices, PlaneMap Map, int Total) Map(string dataset, string version, string model)
    {
        var group = Open(dataset, version, model);
        var indices = group.Ids().Select(id => int.Parse(id, CultureInfo.InvariantCulture)).Order().ToArray();
        int total = indices.Length;
        if (total > MaxMapPoints)
            indices = Enumerable.Range(0, MaxMapPoints).Select(i => indices[(int)((long)i * total / MaxMapPoints)]).ToArray();
        var vectors = indices.Select(i => group.Get(i.ToString(CultureInfo.InvariantCulture))!.Vector).ToList();
        return (indices, PlaneProjection.Pca(vectors), total);
    }

    private FeatureGroup Open(string dataset, string version, string model)
    {
        string name = GroupName(version, model);
        if (!_groups.Exists(name))
            throw new SeerException(ErrorCodes.NotFound,
                $"no feature vectors of model '{model}' over {dataset}@{version[..10]}; compute fields with that model first (a \"fields\" job)", model);
        return _groups.Get(name);
    }
}
