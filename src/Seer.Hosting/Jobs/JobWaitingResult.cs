namespace Seer.Hosting.Jobs;

/// <summary>
/// What a handler returns when its work stopped on a person (labels to draw): the runner records the job as
/// <see cref="JobState.Waiting"/> with <see cref="Result"/> as its result, never as succeeded.
/// </summary>
public sealed record JobWaitingResult(object? Result);
