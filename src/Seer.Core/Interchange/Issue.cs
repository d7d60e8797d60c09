namespace Seer.Core.Interchange;

/// <summary>A problem with one input or output item: the file (as shown to users) and the reason.</summary>
public sealed record ItemIssue(string File, string Reason);
