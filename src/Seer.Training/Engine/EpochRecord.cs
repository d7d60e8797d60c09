namespace Seer.Training.Engine;

/// <summary>One point of a run's curves: mean training loss, the learning rate at the epoch's end, the validation metric (null when not evaluated that epoch) and the wall time.</summary>
public sealed record EpochRecord(int Epoch, double Loss, double LearningRate, double? ValMetric, double Seconds);
