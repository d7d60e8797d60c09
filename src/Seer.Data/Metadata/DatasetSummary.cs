namespace Seer.Data.Metadata;

/// <summary>A dataset as <c>seer dataset list</c> shows it: its name, head version and counts, and how many versions it has.</summary>
public sealed record DatasetSummary(
    string Name,
    string Head,
    int Versions,
    int Images,
    int Labelled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
