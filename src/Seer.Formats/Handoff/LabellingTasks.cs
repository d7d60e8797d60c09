using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Cvat;
using Seer.Formats.LabelStudio;

namespace Seer.Formats.Handoff;

/// <summary>
/// The labelling hand-off: a mined (unlabelled, optionally pre-annotated) version goes out as a task for CVAT
/// (CVAT for images 1.1 XML) or Label Studio (JSON tasks with predictions), and the finished labels come back. The
/// format readers and writers are the datasets' own (<see cref="CvatExporter"/>, <see cref="CvatImporter"/>,
/// <see cref="LabelStudioExporter"/>, <see cref="LabelStudioImporter"/>): they list unlabelled images (the work to do)
/// and keep predictions with their scores (CVAT: <c>source="auto"</c> + a <c>score</c> attribute; Label Studio:
/// <c>predictions</c>) and a classifier's predicted tag (<see cref="PredictedTag"/>). What a task adds is only how a
/// finished one is read (<see cref="TaskReading"/>).
/// </summary>
public static class LabellingTasks
{
    public static IReadOnlyList<string> Tools { get; } = ["cvat", "labelstudio"];

    public static IDatasetExporter Exporter(string tool) => Normalise(tool) switch
    {
        "cvat" => new CvatExporter(),
        _ => new LabelStudioExporter(),
    };

    /// <summary>The reader of a finished task; <paramref name="reviewedPredictionsAreLabels"/>: see <see cref="TaskReading.ReviewedPredictionsAreLabels"/>.</summary>
    public static IDatasetImporter Importer(string tool, bool reviewedPredictionsAreLabels = true) => Normalise(tool) switch
    {
        "cvat" => new CvatImporter { Task = new TaskReading(reviewedPredictionsAreLabels) },
        _ => new LabelStudioImporter { Task = new TaskReading(reviewedPredictionsAreLabels) },
    };

    private static string Normalise(string tool)
    {
        string t = (tool ?? "").Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return t is "cvat" or "labelstudio" ? t
            : throw new SeerException(ErrorCodes.InvalidOptions, $"unknown labelling tool '{tool}'; use cvat or labelstudio");
    }
}

/// <summary>
/// How a finished labelling task is read, beyond the format: every image of the task is listed (image files the task
/// does not list are not imported), and on an image the task marks as labelled, predicted objects are reviewed labels.
/// </summary>
/// <param name="ReviewedPredictionsAreLabels">When true (the default), predicted objects on an image the task marks as
/// labelled become ground truth (without score): a person reviewed the image and kept them. False keeps them as
/// predictions.</param>
internal sealed record TaskReading(bool ReviewedPredictionsAreLabels)
{
    public ImportItem Review(ImportItem item) =>
        ReviewedPredictionsAreLabels && item.IsLabelled && item.Objects.Any(o => o.Source == AnnotationSource.Predicted)
            ? item with { Objects = item.Objects.Select(o => o.Source == AnnotationSource.Predicted ? o with { Source = AnnotationSource.GroundTruth, Score = null } : o).ToList() }
            : item;
}
