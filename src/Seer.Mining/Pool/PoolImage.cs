namespace Seer.Mining.Pool;

/// <summary>An encoded image handed to a <see cref="IPoolModel"/>: a name for messages and the file bytes.</summary>
public sealed record PoolImage(string Name, byte[] Bytes);
