namespace Seer.Hosting.Accounts;

/// <summary>An API token as listed: its id (the middle part of seer_ID_SECRET), owner, times and whether it is revoked.</summary>
public sealed record TokenInfo(string Id, string User, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);
