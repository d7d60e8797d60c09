using Seer.Core.Interchange;

namespace Seer.Formats.Common;

/// <summary>
/// Lets a lazy item sequence report into the <see cref="ImportRead"/> that wraps it (the read is created after the
/// sequence, so it is attached afterwards; nothing runs before enumeration).
/// </summary>
internal sealed class IssueSink
{
    private ImportRead? _read;

    public ImportRead Attach(ImportRead read)
    {
        _read = read;
        return read;
    }

    public void Reject(string file, string reason) => Read.Rejected.Enqueue(new ItemIssue(file, reason));

    public void Warn(string file, string reason) => Read.Warnings.Enqueue(new ItemIssue(file, reason));

    private ImportRead Read => _read ?? throw new InvalidOperationException("IssueSink used before Attach");
}
