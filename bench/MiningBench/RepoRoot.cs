namespace MiningBench;

internal static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) return dir.FullName;
        throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory);
    }
}
