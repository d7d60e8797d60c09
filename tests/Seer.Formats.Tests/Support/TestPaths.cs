namespace Seer.Formats.Tests.Support;

/// <summary>Locations of the repository and of the sample data fetched by scripts/fetch-data.sh.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>labelme-examples' examples folder (scripts/fetch-data.sh labelme).</summary>
    public static string Labelme => Path.Combine(RepoRoot, ".data", "labelme");

    public static string VocExample => Path.Combine(Labelme, "bbox_detection", "data_dataset_voc");

    public static string LabelMeBoxes => Path.Combine(Labelme, "bbox_detection", "data_annotated");

    public static string LabelMePolygons => Path.Combine(Labelme, "instance_segmentation", "data_annotated");

    public static string CocoExample => Path.Combine(Labelme, "instance_segmentation", "data_dataset_coco");

    /// <summary>Fashion-MNIST's IDX files (scripts/fetch-data.sh fashion-mnist).</summary>
    public static string FashionMnist => Path.Combine(RepoRoot, ".data", "fashion-mnist");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory);
    }
}
