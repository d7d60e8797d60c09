using System.Text.Json.Serialization;

namespace Seer.Training.Engine;

/// <summary>
/// One point of a run's curves: mean training loss, the learning rate at the epoch's end, the validation metric (null
/// when not evaluated that epoch) and the wall time. JSON keys (model.json, `seer train --json`): epoch, loss, lr,
/// metric, seconds.
/// </summary>
public sealed record EpochRecord(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("metric")] double? ValMetric,
    [property: JsonPropertyName("seconds")] double Seconds);
