namespace MiningBench;

internal static class RepoRoot
{
    /// <summary>The folder holding Seer.sln above the bench's binaries, else above the working directory (a copied build).</summary>
    public static string Find()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Seer.sln"))) return dir.FullName;
        throw new InvalidOperationException("Seer.sln not found above " + AppContext.BaseDirectory + " or " + Environment.CurrentDirectory);
    }
}
