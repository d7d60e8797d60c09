namespace Seer.Evaluation;

/// <summary>Precision, recall and F1 of one class, and its support (number of true samples of the class).</summary>
public readonly record struct ClassMetrics(double Precision, double Recall, double F1, int Support);
