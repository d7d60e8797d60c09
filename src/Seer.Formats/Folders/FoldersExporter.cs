using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;

namespace Seer.Formats.Folders;

/// <summary>
/// Writes classification folders: each image under the folder of its tag (kept at its own path when that path
/// already reads back as the same class), unlabelled images at the root. Folders hold one class per image: extra
/// tags, boxes, attributes, and a labelled image without a tag (written unlabelled) are reported as lost.
/// </summary>
public sealed class FoldersExporter : IDatasetExporter
{
    public string Format => "folders";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("folders");
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        int images = 0;
        foreach (var image in snapshot.Images)
        {
            string target;
            if (image.Tags.Count > 0)
            {
                string tag = image.Tags[0];
                lost.Count("extra tag", image.Tags.Count - 1);
                string? current = FolderNames.ClassFolder(image.FileName);
                target = current is not null && FolderNames.Decode(current) == tag
                    ? image.FileName
                    : FolderNames.Encode(tag) + "/" + image.FileName;
                if (FolderNames.ClassFolder(target) is not { } written0 || FolderNames.Decode(written0) != tag)
                    lost.Note($"class '{tag}' reads back as a split folder, not a class");
            }
            else
            {
                if (image.IsLabelled) lost.Note("labelled image without a class tag (written unlabelled)");
                target = FolderNames.ClassFolder(image.FileName) is null ? image.FileName : image.FileName.Replace('/', '_');
            }
            lost.Count("box", image.Objects.Count);
            lost.Count("image attribute", image.Attributes.Count);
            if (!written.TryAdd(target, image.FileName))
            {
                lost.Note($"its path '{target}' is taken by '{written[target]}'; image not written");
                lost.EndImage(image);
                continue;
            }
            folder.CopyImage(snapshot, image, target);
            lost.EndImage(image);
            images++;
            progress?.Report(new WorkProgress("export folders", images, snapshot.Images.Count));
        }
        folder.Commit();
        return new ExportReport(images, 0, lost.Lost);
    }
}
