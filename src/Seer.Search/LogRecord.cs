namespace Seer.Search;

/// <summary>One change in a feature group's append-only log: add/upsert an item (with its prepared vector) or remove one.</summary>
internal readonly record struct LogRecord(LogOp Op, string Id, string? Metadata, ReadOnlyMemory<float> Vector);
