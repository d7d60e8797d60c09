namespace Seer.Server.Tests;

/// <summary>The repository's .data folder (scripts/fetch-data.sh) and temporary workspaces.</summary>
public static class TestPaths
{
    public static string Root { get; } = FindRoot();

    public static string Data(params string[] parts) => Path.Combine([Root, ".data", .. parts]);

    public static string LabelmeVoc => Data("labelme", "bbox_detection", "data_dataset_voc");

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "seer-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory);
    }
}
