namespace Seer.Search;

/// <summary>
/// The threshold chosen for a target false-accept rate: <see cref="Threshold"/> is the score at or past which a pair
/// is accepted as "same"; <see cref="FalseAcceptRate"/> and <see cref="TrueAcceptRate"/> are what the calibration set
/// gives at that threshold (FAR is at most the target).
/// </summary>
public sealed record ThresholdCalibration(
    float Threshold, double TargetFalseAcceptRate, double FalseAcceptRate, double TrueAcceptRate,
    int GenuinePairs, int ImpostorPairs);
