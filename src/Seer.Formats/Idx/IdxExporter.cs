using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Core.Progress;
using Seer.Formats.Common;

namespace Seer.Formats.Idx;

/// <summary>
/// Writes IDX: per split (the first folder of the file name, else "train"), <c>&lt;split&gt;-images-idx3-ubyte</c> and
/// <c>&lt;split&gt;-labels-idx1-ubyte</c> in file-name order, plus classes.txt. Unlabelled images go to
/// <c>&lt;split&gt;-unlabelled-images-idx3-ubyte</c> (no labels file). IDX holds one grey image size per split and one
/// class byte per image: other sizes, colour, extra tags, boxes, attributes and classes past 255 are reported as lost.
/// </summary>
public sealed class IdxExporter : IDatasetExporter
{
    public string Format => "idx";

    public ExportReport Write(DatasetSnapshot snapshot, string outputDirectory, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var folder = new ExportFolder(outputDirectory);
        var lost = new LossLog("IDX");
        var classes = snapshot.Classes.ToList();
        foreach (var tag in snapshot.Images.SelectMany(i => i.Tags))
            if (!classes.Contains(tag)) classes.Add(tag);
        var groups = new SortedDictionary<string, Group>(StringComparer.Ordinal);
        int done = 0, images = 0;
        foreach (var image in snapshot.Images.OrderBy(i => i.FileName, StringComparer.Ordinal))
        {
            done++;
            progress?.Report(new WorkProgress("export idx", done, snapshot.Images.Count));
            int slash = image.FileName.IndexOf('/');
            string split = slash > 0 ? image.FileName[..slash] : "train";
            int? label = null;
            if (image.Tags.Count > 0)
            {
                int id = classes.IndexOf(image.Tags[0]);
                if (id > 255)
                {
                    lost.Note($"class '{image.Tags[0]}' has id {id}, past IDX's 255; image not written");
                    lost.EndImage(image);
                    continue;
                }
                label = id;
                lost.Count("extra tag", image.Tags.Count - 1);
            }
            else if (image.IsLabelled) lost.Note("labelled image without a class tag (written unlabelled)");
            lost.Count("box", image.Objects.Count);
            lost.Count("image attribute", image.Attributes.Count);
            byte[] bytes;
            using (var stream = snapshot.OpenImage(image))
            using (var buffer = new MemoryStream())
            {
                stream.CopyTo(buffer);
                bytes = buffer.ToArray();
            }
            if (!IdxPng.TryDecode(bytes, out var pixels, out int rows, out int cols, out bool colour, out string reason))
            {
                lost.Note($"{reason}; image not written");
                lost.EndImage(image);
                continue;
            }
            if (colour) lost.Note("colour (written grey)");
            string key = label is null ? split + "-unlabelled" : split;
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = new Group(rows, cols);
            if (rows != group.Rows || cols != group.Cols)
            {
                lost.Note($"size {cols}x{rows} differs from the split's {group.Cols}x{group.Rows}; image not written");
                lost.EndImage(image);
                continue;
            }
            group.Pixels.Add(pixels);
            if (label is { } l) group.Labels.Add((byte)l);
            lost.EndImage(image);
            images++;
        }
        foreach (var (key, group) in groups)
        {
            IdxFile.Write(folder.PathFor($"{key}-images-idx3-ubyte"), [group.Pixels.Count, group.Rows, group.Cols], group.Pixels);
            if (!key.EndsWith("-unlabelled", StringComparison.Ordinal))
                IdxFile.Write(folder.PathFor($"{key}-labels-idx1-ubyte"), [group.Labels.Count], [group.Labels.ToArray()]);
        }
        folder.WriteText("classes.txt", string.Join('\n', classes) + (classes.Count > 0 ? "\n" : ""));
        folder.Commit();
        return new ExportReport(images, 0, lost.Lost);
    }

    private sealed class Group(int rows, int cols)
    {
        public int Rows { get; } = rows;
        public int Cols { get; } = cols;
        public List<byte[]> Pixels { get; } = [];
        public List<byte> Labels { get; } = [];
    }
}
