namespace Seer.Mining;

/// <summary>
/// One picked image: its rank (1 = pick first), content hash (the image id), file name in the pool, the strategy's
/// score (higher = more worth labelling; for diversity the distance to the nearest centre when picked), the classes
/// the model predicted, and why it was picked ("rank" or "quota:CLASS").
/// </summary>
public sealed record MinedImage(int Rank, string ContentHash, string FileName, double Score, IReadOnlyList<int> PredictedClasses, string Reason);
