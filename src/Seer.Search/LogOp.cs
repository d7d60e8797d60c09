namespace Seer.Search;

/// <summary>The kind of a log record.</summary>
internal enum LogOp : byte
{
    Add = 1,
    Upsert = 2,
    Remove = 3,
    /// <summary>Ends a batch (log format 2): the records since the previous commit count only once this follows them.</summary>
    Commit = 4,
}
