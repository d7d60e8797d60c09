using System.Text.Json.Nodes;
using Seer.Core.Geometry;

namespace Seer.Labeling;

/// <summary>What <c>POST /api/labeling/tasks</c> and <c>seer label task create</c> ask for.</summary>
/// <param name="Dataset">Source dataset name.</param>
/// <param name="Version">Version id or prefix (null: the head).</param>
/// <param name="Classes">Class list (null: the version's classes, else the workspace's label space).</param>
/// <param name="Assignees">Labellers; the images are split among them in order (null or empty: the creator).</param>
/// <param name="Reviewer">Reviewer; with one, every image must be accepted before the task can be committed.</param>
/// <param name="Model">The model whose predictions were used as pre-annotations (recorded only; the caller runs it).</param>
/// <param name="Into">Dataset the commit writes to (null: DATASET-labels).</param>
/// <param name="Kind">detect (boxes) or classify (image tags); null: classify when the version has tags and no boxes.</param>
public sealed record TaskRequest(string Dataset, string? Version = null, IReadOnlyList<string>? Classes = null,
    IReadOnlyList<string>? Assignees = null, string? Reviewer = null, string? Model = null, string? Into = null, string? Kind = null)
{
    /// <summary>Where the task came from when a program made it (e.g. {"project", "round"} for the iteration loop).</summary>
    public JsonObject? Origin { get; init; }
}

/// <summary>A labelling task as stored, with its per-state counts.</summary>
public sealed record LabelingTask(long Id, string Dataset, string SourceVersion, string Into, string Kind, IReadOnlyList<string> Classes,
    IReadOnlyList<string> Assignees, string? Reviewer, string? Model, JsonObject? Origin, string CreatedBy, DateTimeOffset CreatedAt,
    string? CommittedVersion, DateTimeOffset? CommittedAt, string? CommittedBy, IReadOnlyDictionary<string, int> Counts)
{
    public int Images => Counts.Values.Sum();

    public int Accepted => Counts.GetValueOrDefault(ItemStates.Accepted);

    public string State => CommittedVersion is null ? "open" : "committed";

    /// <summary>True when the user is the task's creator, reviewer or one of its assignees.</summary>
    public bool Involves(string user) =>
        string.Equals(CreatedBy, user, StringComparison.Ordinal) || string.Equals(Reviewer, user, StringComparison.Ordinal) ||
        Assignees.Contains(user, StringComparer.Ordinal);
}

/// <summary>A box of an image in a task: a class and absolute pixel corners (Seer's BoxXyxy convention).</summary>
public sealed record LabelBox(string Label, BoxXyxy Box);

/// <summary>A model's box offered to the labeller: shown apart (dashed, with its score) until accepted or rejected.</summary>
public sealed record PredictedBox(string Label, BoxXyxy Box, double Score);

/// <summary>One image of a task: where it is in review, its revision (optimistic concurrency), the draft and the offers.</summary>
public sealed record LabelingItem(long Task, int Image, string FileName, string ContentHash, int Width, int Height, string Assignee,
    string State, long Revision, IReadOnlyList<LabelBox> Objects, IReadOnlyList<string> Tags, IReadOnlyList<PredictedBox> Predictions,
    string? Comment, string? UpdatedBy, DateTimeOffset? UpdatedAt);

/// <summary>
/// A draft save (<c>PUT .../items/{image}</c>): the objects and tags as they are now, the revision the editor loaded, and
/// optionally the model offers still pending (null keeps them as they are).
/// </summary>
public sealed record ItemEdit(IReadOnlyList<LabelBox> Objects, IReadOnlyList<string> Tags, long Revision,
    IReadOnlyList<PredictedBox>? Predictions = null);
