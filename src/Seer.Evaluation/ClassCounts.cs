namespace Seer.Evaluation;

/// <summary>True positives, false positives and false negatives of one class at a score threshold.</summary>
public readonly record struct ClassCounts(int TruePositives, int FalsePositives, int FalseNegatives)
{
    /// <summary>TP / (TP + FP); 0 when there are no detections.</summary>
    public double Precision => TruePositives + FalsePositives > 0 ? TruePositives / (double)(TruePositives + FalsePositives) : 0;

    /// <summary>TP / (TP + FN); 0 when there is no ground truth.</summary>
    public double Recall => TruePositives + FalseNegatives > 0 ? TruePositives / (double)(TruePositives + FalseNegatives) : 0;

    public double F1 => Precision + Recall > 0 ? 2 * Precision * Recall / (Precision + Recall) : 0;
}
