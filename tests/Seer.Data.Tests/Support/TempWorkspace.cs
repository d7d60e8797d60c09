namespace Seer.Data.Tests.Support;

/// <summary>A workspace in a fresh temp folder, deleted on dispose.</summary>
public sealed class TempWorkspace : IDisposable
{
    public TempWorkspace()
    {
        Home = Path.Combine(Path.GetTempPath(), "seer-test-" + Guid.NewGuid().ToString("N"));
        Workspace = Workspace.Open(Home);
    }

    public string Home { get; }

    public Workspace Workspace { get; private set; }

    /// <summary>Closes and reopens the workspace (as a new process would).</summary>
    public Workspace Reopen()
    {
        Workspace.Dispose();
        Workspace = Workspace.Open(Home);
        return Workspace;
    }

    public void Dispose()
    {
        Workspace.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
