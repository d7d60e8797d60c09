using Seer.Core.Errors;
using Seer.Core.Interchange;

namespace Seer.Formats.Handoff;

/// <summary>
/// The labelling hand-off: a mined (unlabelled, optionally pre-annotated) version goes out as a task for CVAT
/// (CVAT for images 1.1 XML) or Label Studio (JSON tasks with predictions), and the finished labels come back. Unlike
/// the general format exporters, these list unlabelled images (they are the work to do) and keep predictions with
/// their scores (CVAT: <c>source="auto"</c> + a <c>score</c> attribute; Label Studio: <c>predictions</c>).
/// </summary>
public static class LabellingTasks
{
    public static IReadOnlyList<string> Tools { get; } = ["cvat", "labelstudio"];

    public static IDatasetExporter Exporter(string tool) => Normalise(tool) switch
    {
        "cvat" => new CvatTaskExporter(),
        _ => new LabelStudioTaskExporter(),
    };

    /// <summary>The reader of a finished task; <paramref name="reviewedPredictionsAreLabels"/>: see <see cref="CvatTaskImporter.ReviewedPredictionsAreLabels"/>.</summary>
    public static IDatasetImporter Importer(string tool, bool reviewedPredictionsAreLabels = true) => Normalise(tool) switch
    {
        "cvat" => new CvatTaskImporter { ReviewedPredictionsAreLabels = reviewedPredictionsAreLabels },
        _ => new LabelStudioTaskImporter { ReviewedPredictionsAreLabels = reviewedPredictionsAreLabels },
    };

    /// <summary>
    /// The import formats of finished tasks, by the names imports record (<c>cvat-task</c>, <c>labelstudio-task</c>),
    /// for imports that name a format (the import job, the web UI's Import page).
    /// </summary>
    public static IReadOnlyList<string> ImportFormats { get; } = ["cvat-task", "labelstudio-task"];

    /// <summary>The importer of <paramref name="format"/> when it is one of <see cref="ImportFormats"/>, else null.</summary>
    public static IDatasetImporter? ImporterForFormat(string? format) =>
        format is not null && ImportFormats.Contains(format, StringComparer.OrdinalIgnoreCase) ? Importer(format[..^"-task".Length]) : null;

    private static string Normalise(string tool)
    {
        string t = (tool ?? "").Trim().ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return t is "cvat" or "labelstudio" ? t
            : throw new SeerException(ErrorCodes.InvalidOptions, $"unknown labelling tool '{tool}'; use cvat or labelstudio");
    }
}
