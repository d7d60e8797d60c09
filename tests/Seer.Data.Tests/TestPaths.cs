namespace Seer.Data.Tests;

/// <summary>Locations of the repository and of the sample data fetched by scripts/fetch-data.sh.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>.data/ at the repository root (filled by scripts/fetch-data.sh).</summary>
    public static string Data => Path.Combine(RepoRoot, ".data");

    /// <summary>labelme-examples' examples folder.</summary>
    public static string Labelme => Path.Combine(Data, "labelme");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory);
    }
}
