namespace Seer.Hosting.Jobs;

/// <summary>One line of a job's log.</summary>
public sealed record JobLogEntry(long Seq, DateTimeOffset At, string Level, string Message);
