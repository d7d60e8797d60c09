namespace Seer.Hosting.Postgres;

/// <summary>One published file of a model: its path under the model folder, the blob's SHA-256 and length.</summary>
public sealed record PublishedModelFile(string Path, string Sha256, long Length);
