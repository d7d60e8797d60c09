namespace Seer.Core.Annotations;

/// <summary>Where an annotation came from: a person (ground truth) or a model (a prediction awaiting review).</summary>
public enum AnnotationSource
{
    GroundTruth = 0,
    Predicted = 1,
}
