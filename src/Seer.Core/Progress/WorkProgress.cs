namespace Seer.Core.Progress;

/// <summary>
/// Progress of long work (import, training, evaluation, mining): a stage name, items done and the total when
/// known, and an optional message (e.g. "epoch 3 loss 0.412"). The CLI draws it as a bar; the server publishes it.
/// </summary>
public readonly record struct WorkProgress(string Stage, long Done, long? Total, string? Message = null);
