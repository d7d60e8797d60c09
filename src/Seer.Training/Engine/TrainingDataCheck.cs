using Seer.Core.Datasets;
using Seer.Core.Errors;

namespace Seer.Training.Engine;

/// <summary>
/// Refuses a task that does not fit the data before anything is written or trained: a detector needs labelled images
/// with boxes, a classifier needs every labelled image to carry exactly one tag. <see cref="TrainingJob.Run"/> calls it
/// first (so the CLI, the server's job and the project loop all refuse the same way), and the server's training job
/// calls it again at submission so <c>POST /api/jobs</c> answers 400 instead of queueing minutes of nonsense.
/// </summary>
public static class TrainingDataCheck
{
    /// <summary>Throws an invalid_input <see cref="SeerException"/> naming the dataset and what it lacks for <paramref name="task"/>.</summary>
    public static void Check(string task, DatasetSnapshot data, string role)
    {
        ArgumentNullException.ThrowIfNull(data);
        string name = $"{data.Name}@{data.Version[..Math.Min(10, data.Version.Length)]}";
        int labelled = 0, boxes = 0, withBoxes = 0, oneTag = 0;
        var notOneTag = new List<ImageRecord>();
        foreach (var image in data.Images)
        {
            if (!image.IsLabelled) continue;
            labelled++;
            if (image.Objects.Count > 0)
            {
                withBoxes++;
                boxes += image.Objects.Count;
            }
            if (image.Tags.Count == 1) oneTag++;
            else notOneTag.Add(image);
        }
        if (labelled == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{role} set '{name}' has no labelled images ({data.Images.Count} images, all unlabelled); label some or pick another dataset", name);
        switch (task)
        {
            case "detect" when boxes == 0:
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{role} set '{name}' cannot train a detector: none of its {labelled} labelled images has a box" +
                    (oneTag > 0 ? $" ({oneTag} carry one class tag each: it is a classification dataset; train with task classify)" : ""), name);
            case "classify" when notOneTag.Count > 0:
                string examples = string.Join(", ", notOneTag.Take(3).Select(i => $"{i.FileName} has {i.Tags.Count}"));
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{role} set '{name}' cannot train a classifier: {notOneTag.Count} of its {labelled} labelled images do not carry exactly one class tag ({examples})" +
                    (withBoxes > 0 ? $"; {withBoxes} have boxes: it is a detection dataset; train with task detect" : ""), name);
        }
    }

    /// <summary>The task a version's labels fit: "detect" when labelled images have boxes, "classify" when each carries one tag, else null.</summary>
    public static string? SuggestTask(DatasetSnapshot data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labelled = data.Images.Where(i => i.IsLabelled).ToList();
        if (labelled.Count == 0) return null;
        if (labelled.Any(i => i.Objects.Count > 0)) return "detect";
        return labelled.All(i => i.Tags.Count == 1) ? "classify" : null;
    }
}
