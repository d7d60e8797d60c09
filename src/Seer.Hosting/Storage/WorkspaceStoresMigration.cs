using Seer.ActiveLearning.Projects;
using Seer.Data.Browse;
using Seer.Data.Postgres;
using Seer.Data.Relational;

namespace Seer.Hosting.Storage;

/// <summary>
/// The second half of <c>seer admin migrate</c>, after the dataset metadata (<see cref="Seer.Data.Migration.WorkspaceMigration"/>):
/// the stores beside it that live in the workspace's database, copied from <c>HOME/seer.db</c> into the PostgreSQL
/// target with <see cref="TableCopy"/>: the data browser's index and recorded field runs, projects and their
/// iterations, labelling tasks, users, API tokens, served models, settings and owners. Each store's schema is applied to the target
/// first (its own ledger, the one runner). Rows the target already has are kept, so a second run copies nothing.
/// </summary>
public static class WorkspaceStoresMigration
{
    /// <summary>Every table this copies, in order.</summary>
    public static IReadOnlyList<string> Tables { get; } = [.. ImageBrowser.Tables, .. ActiveLearningMigrations.Tables, .. Seer.Labeling.LabelingMigrations.Tables, .. HostingMigrations.Tables];

    /// <summary>Copies the stores of the workspace in <paramref name="home"/> into <paramref name="target"/> (whose dataset metadata must already be there).</summary>
    public static IReadOnlyList<TableCopyReport> Copy(string home, PostgresDatabase target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        ArgumentNullException.ThrowIfNull(target);
        var source = new SqliteDatabase(Path.Combine(home, "seer.db"));
        target.ApplySchema(ImageBrowser.Schema);
        target.ApplySchema(ActiveLearningMigrations.Schema);
        target.ApplySchema(Seer.Labeling.LabelingMigrations.Schema);
        _ = new HostingDatabase(home, target); // the job ledger, then the hosting tables
        return TableCopy.Copy(source, target, Tables);
    }
}
