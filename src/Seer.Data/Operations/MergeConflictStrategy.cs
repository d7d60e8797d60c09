namespace Seer.Data.Operations;

/// <summary>
/// What a merge does when the same image (same content hash) is labelled differently in two sources. An unlabelled
/// copy never conflicts with a labelled one (the labels win).
/// </summary>
public enum MergeConflictStrategy
{
    /// <summary>Fail and list the conflicting images (the default: nothing is decided silently).</summary>
    Fail = 0,

    /// <summary>Keep the annotations of the source listed first.</summary>
    First = 1,

    /// <summary>Keep the annotations of the source listed last.</summary>
    Last = 2,

    /// <summary>Keep both: union of tags and of objects (identical objects once).</summary>
    Union = 3,
}
