using Seer.Core.Datasets;
using Seer.Core.Interchange;
using Seer.Imaging;

namespace Seer.Formats.Tests.Support;

/// <summary>Turns an importer's items into a <see cref="DatasetSnapshot"/> without the workspace (as the data plane would, minus checks).</summary>
public static class Snapshots
{
    public static DatasetSnapshot FromRead(ImportRead read, string name = "test")
    {
        var blobs = new MemoryBlobs();
        var images = new List<ImageRecord>();
        var classes = read.DeclaredClasses.ToList();
        foreach (var item in read.Items)
        {
            byte[] bytes;
            using (var s = item.Open())
            using (var m = new MemoryStream())
            {
                s.CopyTo(m);
                bytes = m.ToArray();
            }
            Assert.True(ImageProbe.TryRead(new MemoryStream(bytes), out var header, out var reason), $"{item.Display}: {reason}");
            string hash = blobs.Add(bytes);
            foreach (var label in item.Objects.Select(o => o.Label).Concat(item.Tags))
                if (!classes.Contains(label)) classes.Add(label);
            images.Add(new ImageRecord(hash, item.FileName, header.Width, header.Height)
            {
                IsLabelled = item.IsLabelled,
                Tags = item.Tags,
                Objects = item.Objects,
                Attributes = item.Attributes,
            });
        }
        return new DatasetSnapshot(name, "v1", classes, images, blobs);
    }

    /// <summary>Opens a path with <see cref="FileSources"/>, reads it with a format's importer, and builds a snapshot.</summary>
    public static (DatasetSnapshot Snapshot, ImportRead Read) Import(string path, string format, ImportOptions? options = null)
    {
        using var source = FileSources.Open(path);
        var read = FormatRegistry.GetImporter(format).Read(source, options ?? new ImportOptions());
        return (FromRead(read), read);
    }

    public static DatasetSnapshot Create(IReadOnlyList<string> classes, IEnumerable<(byte[] Bytes, ImageRecord Image)> images)
    {
        var blobs = new MemoryBlobs();
        var records = images.Select(x => x.Image with { ContentHash = blobs.Add(x.Bytes) }).ToList();
        return new DatasetSnapshot("generated", "v1", classes, records, blobs);
    }
}
