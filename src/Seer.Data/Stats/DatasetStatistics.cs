using System.Globalization;
using Seer.Core.Datasets;

namespace Seer.Data.Stats;

/// <summary>Computes <see cref="DatasetStats"/> for a snapshot.</summary>
public static class DatasetStatistics
{
    /// <summary>Below this many images a class gets a warning (the knee detection studies report).</summary>
    public const int MinImagesPerClass = 150;

    /// <summary>Above this ratio of most to least frequent class instances, a warning.</summary>
    public const double MaxImbalance = 10;

    public static DatasetStats Compute(DatasetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var images = snapshot.Images;
        var instances = new Dictionary<string, int>(StringComparer.Ordinal);
        var imagesPerClass = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in snapshot.Classes)
        {
            instances[c] = 0;
            imagesPerClass[c] = 0;
        }
        var boxesPerImage = new List<double>();
        var histogram = new SortedDictionary<int, int>();
        var boxW = new List<double>();
        var boxH = new List<double>();
        var relArea = new List<double>();
        var ranges = new Dictionary<string, int> { ["small"] = 0, ["medium"] = 0, ["large"] = 0 };
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            string size = string.Create(CultureInfo.InvariantCulture, $"{image.Width}x{image.Height}");
            sizes[size] = sizes.GetValueOrDefault(size) + 1;
            foreach (var tag in image.Tags) instances[tag] = instances.GetValueOrDefault(tag) + 1;
            foreach (var o in image.Objects)
            {
                instances[o.Label] = instances.GetValueOrDefault(o.Label) + 1;
                boxW.Add(o.Box.Width);
                boxH.Add(o.Box.Height);
                double area = o.Box.Area;
                ranges[area < 32 * 32 ? "small" : area < 96 * 96 ? "medium" : "large"]++;
                if (image.Width > 0 && image.Height > 0) relArea.Add(area / ((double)image.Width * image.Height));
            }
            foreach (var label in Workspace.Distinct(Workspace.UsedLabels(image)))
                imagesPerClass[label] = imagesPerClass.GetValueOrDefault(label) + 1;
            if (image.IsLabelled)
            {
                boxesPerImage.Add(image.Objects.Count);
                int bucket = Math.Min(image.Objects.Count, 10);
                histogram[bucket] = histogram.GetValueOrDefault(bucket) + 1;
            }
        }
        var present = instances.Values.Where(v => v > 0).ToList();
        double imbalance = present.Count >= 2 ? Math.Round((double)present.Max() / present.Min(), 2) : 1;
        var warnings = new List<string>();
        foreach (var (label, n) in imagesPerClass.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
            if (n < MinImagesPerClass)
                warnings.Add(n == 0
                    ? $"class '{label}' has no images"
                    : $"class '{label}' has {n} images, under {MinImagesPerClass}: expect weak results for it; label more");
        if (imbalance > MaxImbalance)
        {
            var most = instances.MaxBy(kv => kv.Value).Key;
            var least = instances.Where(kv => kv.Value > 0).MinBy(kv => kv.Value).Key;
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"imbalance {imbalance}x ('{most}' {instances[most]} vs '{least}' {instances[least]} instances), over {MaxImbalance}x: sample or weight the classes"));
        }
        return new DatasetStats
        {
            Dataset = snapshot.Name,
            Version = snapshot.Version,
            Images = images.Count,
            Labelled = images.Count(i => i.IsLabelled),
            Unlabelled = images.Count(i => !i.IsLabelled),
            Instances = instances.Values.Sum(),
            Classes = snapshot.Classes,
            InstancesPerClass = instances,
            ImagesPerClass = imagesPerClass,
            BoxesPerImage = Distribution.Of(boxesPerImage),
            BoxesPerImageHistogram = histogram.ToDictionary(kv => kv.Key == 10 ? "10+" : kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
            BoxWidth = Distribution.Of(boxW),
            BoxHeight = Distribution.Of(boxH),
            BoxAreaRanges = ranges,
            BoxRelativeArea = Distribution.Of(relArea),
            ImageWidth = Distribution.Of(images.Select(i => (double)i.Width)),
            ImageHeight = Distribution.Of(images.Select(i => (double)i.Height)),
            ImageSizes = sizes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(5).ToDictionary(),
            ImbalanceRatio = imbalance,
            Warnings = warnings,
        };
    }
}
