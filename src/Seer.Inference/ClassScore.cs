namespace Seer.Inference;

/// <summary>One class of a classifier's answer: index into the model's class names, its name, probability.</summary>
public sealed record ClassScore(int ClassId, string Label, float Score);
