using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;

namespace Seer.Formats.Folders;

/// <summary>
/// Image classification folders: <c>&lt;class&gt;/…/x.jpg</c> (or <c>train|val|test/&lt;class&gt;/x.jpg</c>) gives the
/// image the tag &lt;class&gt;. Images at the root (or directly in a split folder) are unlabelled. The dataset file
/// name is the path as it is, so <c>cat/001.jpg</c> and <c>dog/001.jpg</c> stay distinct.
/// </summary>
public sealed class FoldersImporter : IDatasetImporter
{
    public string Format => "folders";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        var images = ImageFiles.In(source).ToList();
        if (images.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Origin}: no image files found", source.Origin);
        var classes = images.Select(FolderNames.ClassFolder).OfType<string>().Select(FolderNames.Decode)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, images, sink), classes));
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, List<string> images, IssueSink sink)
    {
        var names = new NameRegistry();
        foreach (var path in images)
        {
            if (!names.TryAdd(path, source.Display(path), out var first))
            {
                sink.Reject(source.Display(path), NameRegistry.DuplicateReason(path, first));
                continue;
            }
            var item = ImageFiles.Item(source, path, path);
            string? folder = FolderNames.ClassFolder(path);
            yield return folder is null ? item : item with { IsLabelled = true, Tags = [FolderNames.Decode(folder)] };
        }
    }
}
