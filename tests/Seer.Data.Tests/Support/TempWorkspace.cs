using Seer.Tests.Shared;

namespace Seer.Data.Tests.Support;

/// <summary>
/// A workspace in a fresh temp folder, deleted on dispose. Backend <c>sqlite</c> (the embedded default) keeps the
/// metadata in the folder's seer.db; <c>postgres</c> puts it in a fresh database on the test PostgreSQL server
/// (scripts/services.sh, started once per test process by <see cref="ScaleServices"/>). Blobs are files either way.
/// </summary>
public sealed class TempWorkspace : IDisposable
{
    public TempWorkspace(string backend = "sqlite")
    {
        Home = Path.Combine(Path.GetTempPath(), "seer-test-" + Guid.NewGuid().ToString("N"));
        Database = backend switch
        {
            "sqlite" => null,
            "postgres" => ScaleServices.NewDatabase(),
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "sqlite or postgres"),
        };
        Workspace = Workspace.Open(Home, null, Database);
    }

    /// <summary>The metadata backends every workspace test runs on.</summary>
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    public string Home { get; }

    /// <summary>The PostgreSQL URL of the metadata, or null for SQLite.</summary>
    public string? Database { get; }

    public Workspace Workspace { get; private set; }

    /// <summary>Closes and reopens the workspace (as a new process would).</summary>
    public Workspace Reopen()
    {
        Workspace.Dispose();
        Workspace = Workspace.Open(Home, null, Database);
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
