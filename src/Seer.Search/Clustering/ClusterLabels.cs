using Seer.Core.Datasets;
using Seer.Core.Errors;

namespace Seer.Search.Clustering;

/// <summary>Turns a clustering of a version's images into the images of a new version: each clustered image carries
/// its cluster as its one tag (<c>cluster-0001</c>, numbered by size), singletons are left unlabelled.</summary>
public static class ClusterLabels
{
    public static string Name(int number) => ClusterNames.Name(number);

    public static (IReadOnlyList<ImageRecord> Images, IReadOnlyList<string> Classes) Apply(
        IReadOnlyList<ImageRecord> images, ClusteringResult result)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(result);
        if (images.Count != result.Labels.Length)
            throw new SeerException(ErrorCodes.InvalidInput, $"{images.Count} images but {result.Labels.Length} cluster labels");
        var records = new ImageRecord[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            int label = result.Labels[i];
            records[i] = label < 0
                ? images[i] with { IsLabelled = false, Tags = [], Objects = [] }
                : images[i] with { IsLabelled = true, Tags = [Name(result.Clusters[label].Number)], Objects = [] };
        }
        return (records, result.Clusters.Select(c => Name(c.Number)).ToList());
    }

    /// <summary>
    /// The parameters a clustered version records: model, method, threshold, k, the re-ranking when used
    /// (<c>rerank</c>: k1, k2, lambda), and <c>cohesion</c> (each cluster's
    /// mean cosine similarity of its members to their centre), which cluster review lists and carries forward.
    /// </summary>
    public static Dictionary<string, object?> Parameters(string model, ClusteringOptions options, ClusteringResult result)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        var parameters = new Dictionary<string, object?>
        {
            ["model"] = model, ["method"] = ClusterMethods.Name(options.Method), ["threshold"] = options.Threshold, ["k"] = options.K,
            [ClusterNames.CohesionParameter] = result.Clusters.ToDictionary(c => Name(c.Number), c => Math.Round(c.Cohesion, 6), StringComparer.Ordinal),
        };
        if (options.Rerank)
            parameters["rerank"] = new Dictionary<string, object> { ["k1"] = options.RerankK1, ["k2"] = options.RerankK2, ["lambda"] = options.RerankLambda };
        return parameters;
    }
}
