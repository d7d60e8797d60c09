namespace Seer.Video.Tests;

/// <summary>Finds the repository root (the folder with Seer.sln) and the sample data under .data/.</summary>
internal static class TestPaths
{
    public static string Root { get; } = FindRoot();

    public static string Data(params string[] parts) => Path.Combine([Root, ".data", .. parts]);

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "seer-video-tests", Guid.NewGuid().ToString("N"));
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
