using Seer.ActiveLearning.Projects;

namespace Seer.ActiveLearning.Iterations;

/// <summary>
/// The result of a <see cref="IterationRunner"/> call: done (every requested round finished) or waiting_for_labels
/// (a round's picks were written as a labelling task; <see cref="Waiting"/> says where and how to continue), and the
/// project's history so far.
/// </summary>
public sealed record IterationOutcome(string Status, IReadOnlyList<IterationRecord> History, LabellingHandoff? Waiting)
{
    public const string Done = "done";
    public const string WaitingForLabels = "waiting_for_labels";
}

/// <summary>
/// A labelling task waiting for a labeller: the round, the folder written (hand-off tools) or the Seer labelling task
/// (tool seer), the tool, and the dataset the finished labels go into.
/// </summary>
public sealed record LabellingHandoff(int Round, string? TaskDirectory, string Tool, string ImportInto, int Images, long? Task = null)
{
    public string Instructions(string project) => Task is long id
        ? $"round {Round}: {Images} picked images wait in labelling task {id} (web UI #/label/{id}; seer label task show {id}). " +
          $"When every image is accepted, commit it (seer label task commit {id}, or the task page): the labels go into {ImportInto}; the server then continues the round, " +
          $"from the CLI run `seer iterate {project} ...` again."
        : $"round {Round}: {Images} picked images wait for labels in {TaskDirectory}. Label them in {(Tool == "cvat" ? "CVAT (upload the images and annotations.xml; export as 'CVAT for images 1.1' with images)" : "Label Studio (import tasks.json; export JSON with the images)")}, " +
        $"then run `seer label import EXPORT_DIR --tool {Tool} --name {ImportInto}` and `seer iterate {project} ...` again to continue with merge, train and evaluate.";
}
