namespace Seer.Search;

/// <summary>The kind of a log record.</summary>
internal enum LogOp : byte
{
    Add = 1,
    Upsert = 2,
    Remove = 3,
}
