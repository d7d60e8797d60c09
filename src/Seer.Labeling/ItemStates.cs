namespace Seer.Labeling;

/// <summary>
/// The states of an image in a labelling task, as the API and the CLI spell them. todo → in_progress (a draft was
/// saved) → submitted (with a reviewer) or accepted (without one); a reviewer turns submitted into accepted or
/// rejected (with a comment); a rejected image returns to its labeller, who saves and submits it again.
/// </summary>
public static class ItemStates
{
    public const string Todo = "todo";
    public const string InProgress = "in_progress";
    public const string Submitted = "submitted";
    public const string Rejected = "rejected";
    public const string Accepted = "accepted";

    /// <summary>Every state, in the order counts are shown.</summary>
    public static readonly IReadOnlyList<string> All = [Todo, InProgress, Submitted, Rejected, Accepted];

    /// <summary>States in which a labeller may still change the image (a reviewer or admin may change any).</summary>
    public static bool Editable(string state) => state is Todo or InProgress or Rejected;
}
