using Seer.Core.Datasets;

namespace Seer.Core.Interchange;

/// <summary>Writes a dataset version in one format, to a folder that the same format's importer reads back.</summary>
public interface IDatasetExporter
{
    string Format { get; }

    /// <summary>
    /// Writes the snapshot under <paramref name="outputDirectory"/>. Everything the target format cannot hold
    /// (polygons in YOLO, scores in VOC, ...) is listed in <see cref="ExportReport.Lost"/>, never dropped silently.
    /// </summary>
    ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<Progress.WorkProgress>? progress = null);
}

/// <summary>What an export wrote and what it could not carry.</summary>
public sealed record ExportReport(int Images, int Objects, IReadOnlyList<ItemIssue> Lost);
