namespace Seer.Core.Interchange;

/// <summary>Reads one annotation format (VOC, COCO, YOLO, folders, LabelMe, IDX, CVAT, Label Studio).</summary>
public interface IDatasetImporter
{
    /// <summary>Format name as the CLI spells it: voc, coco, yolo, folders, labelme, idx, cvat, labelstudio.</summary>
    string Format { get; }

    /// <summary>
    /// Reads the source. Errors that make the whole source unreadable (no annotation file, malformed top-level
    /// JSON) throw <see cref="Errors.SeerException"/> naming the file; problems with single items go to
    /// <see cref="ImportRead.Rejected"/>.
    /// </summary>
    ImportRead Read(IFileSource source, ImportOptions options);
}
