using System.Text.Json.Serialization;

namespace Seer.Data.Stats;

/// <summary>
/// Statistics of one dataset version (<c>seer dataset stats</c>): counts, per-class instances and images, boxes per
/// image, box and image size distributions, the imbalance ratio, and warnings (a class under
/// <see cref="DatasetStatistics.MinImagesPerClass"/> images, imbalance over <see cref="DatasetStatistics.MaxImbalance"/>×).
/// </summary>
public sealed record DatasetStats
{
    [JsonPropertyName("dataset")] public required string Dataset { get; init; }
    [JsonPropertyName("version")] public required string Version { get; init; }
    [JsonPropertyName("images")] public int Images { get; init; }
    [JsonPropertyName("labelled")] public int Labelled { get; init; }
    [JsonPropertyName("unlabelled")] public int Unlabelled { get; init; }
    [JsonPropertyName("instances")] public int Instances { get; init; }
    [JsonPropertyName("classes")] public required IReadOnlyList<string> Classes { get; init; }
    [JsonPropertyName("instances_per_class")] public required IReadOnlyDictionary<string, int> InstancesPerClass { get; init; }
    [JsonPropertyName("images_per_class")] public required IReadOnlyDictionary<string, int> ImagesPerClass { get; init; }
    [JsonPropertyName("boxes_per_image")] public required Distribution BoxesPerImage { get; init; }
    [JsonPropertyName("boxes_per_image_histogram")] public required IReadOnlyDictionary<string, int> BoxesPerImageHistogram { get; init; }
    [JsonPropertyName("box_width")] public required Distribution BoxWidth { get; init; }
    [JsonPropertyName("box_height")] public required Distribution BoxHeight { get; init; }
    /// <summary>Boxes by COCO's area ranges: small (&lt; 32²), medium (&lt; 96²), large.</summary>
    [JsonPropertyName("box_area_ranges")] public required IReadOnlyDictionary<string, int> BoxAreaRanges { get; init; }
    /// <summary>Box area divided by image area.</summary>
    [JsonPropertyName("box_relative_area")] public required Distribution BoxRelativeArea { get; init; }
    [JsonPropertyName("image_width")] public required Distribution ImageWidth { get; init; }
    [JsonPropertyName("image_height")] public required Distribution ImageHeight { get; init; }
    /// <summary>Most common image sizes ("WxH" → images), at most 5.</summary>
    [JsonPropertyName("image_sizes")] public required IReadOnlyDictionary<string, int> ImageSizes { get; init; }
    /// <summary>Instances of the most frequent class over the least frequent one (classes with instances); 1 when fewer than two.</summary>
    [JsonPropertyName("imbalance_ratio")] public double ImbalanceRatio { get; init; }
    [JsonPropertyName("warnings")] public required IReadOnlyList<string> Warnings { get; init; }
}
