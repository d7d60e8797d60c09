namespace Seer.Core.Interchange;

/// <summary>
/// What an importer produced: the images (a lazy sequence, read once, so large sets stream), the class names the
/// source declares in order (may include classes without instances), and the collectors for rejected items and
/// warnings, which fill while <see cref="Items"/> is enumerated.
/// </summary>
public sealed class ImportRead
{
    public ImportRead(IEnumerable<ImportItem> items, IReadOnlyList<string> declaredClasses)
    {
        Items = items;
        DeclaredClasses = declaredClasses;
    }

    public IEnumerable<ImportItem> Items { get; }

    public IReadOnlyList<string> DeclaredClasses { get; }

    /// <summary>Items that cannot be imported, with the reason (thread-safe to add to).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<ItemIssue> Rejected { get; } = new();

    /// <summary>Items imported with a change the user should know about (e.g. a clipped box).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<ItemIssue> Warnings { get; } = new();
}
