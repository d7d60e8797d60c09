using System.Text.Json;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;

namespace Seer.Formats.Coco;

/// <summary>One parsed COCO annotation file: top-level structure checked, annotations grouped by image id.</summary>
internal sealed class CocoFile
{
    private readonly Dictionary<string, List<JsonElement>> _byImage = new(StringComparer.Ordinal);

    private CocoFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Category id (as text) → name.</summary>
    public Dictionary<string, string> Categories { get; } = new(StringComparer.Ordinal);

    public List<CocoImage> Images { get; } = [];

    /// <summary>Annotations whose image_id is not among the images: (annotation id, reason).</summary>
    public List<(string Id, string Reason)> OrphanAnnotations { get; } = [];

    public IEnumerable<JsonElement> AnnotationsOf(string imageId) =>
        _byImage.TryGetValue(imageId, out var list) ? list : [];

    /// <summary>Parses and checks a file; a file the import cannot use at all throws naming it and the reason.</summary>
    public static CocoFile Load(IFileSource source, string path)
    {
        string display = source.Display(path);
        var doc = JsonFiles.Parse(source, path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Bad(display, $"the top level is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, expected an object with images, annotations and categories");
        var images = JsonFiles.Get(root, "images", JsonValueKind.Array)
            ?? throw Bad(display, "no \"images\" array: not a COCO annotation file");
        var annotations = JsonFiles.Get(root, "annotations", JsonValueKind.Array);
        var categories = JsonFiles.Get(root, "categories", JsonValueKind.Array);
        if (annotations is not null && annotations.Value.GetArrayLength() > 0 && categories is null)
            throw Bad(display, "annotations but no \"categories\" array");
        var file = new CocoFile(path);
        if (categories is not null)
            foreach (var c in categories.Value.EnumerateArray())
            {
                string? id = JsonFiles.Id(c, "id");
                string? name = JsonFiles.String(c, "name");
                if (id is null || string.IsNullOrWhiteSpace(name))
                    throw Bad(display, $"category {c.GetRawText()} needs an id and a name");
                if (!file.Categories.TryAdd(id, name))
                    throw Bad(display, $"category id {id} appears twice");
            }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in images.EnumerateArray())
        {
            string? id = JsonFiles.Id(i, "id");
            string? fileName = JsonFiles.String(i, "file_name");
            long? w = JsonFiles.Integer(i, "width"), h = JsonFiles.Integer(i, "height");
            string? problem = id is null || string.IsNullOrWhiteSpace(fileName) ? "image entry needs an id and a file_name"
                : !ids.Add(id) ? $"image id {id} appears more than once"
                : null;
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (JsonFiles.Get(i, "attributes", JsonValueKind.Object) is { } attrs)
                foreach (var p in attrs.EnumerateObject())
                    if (JsonFiles.Scalar(p.Value) is { } v) attributes[p.Name] = v;
            file.Images.Add(new CocoImage(id ?? "?", fileName ?? "", w is > 0 and < int.MaxValue ? (int)w : null,
                h is > 0 and < int.MaxValue ? (int)h : null, attributes, problem));
        }
        if (annotations is not null)
            foreach (var a in annotations.Value.EnumerateArray())
            {
                string? imageId = JsonFiles.Id(a, "image_id");
                if (imageId is null || !ids.Contains(imageId))
                {
                    file.OrphanAnnotations.Add((JsonFiles.Id(a, "id") ?? "?",
                        imageId is null ? "annotation without image_id" : $"image_id {imageId} is not among the images"));
                    continue;
                }
                if (!file._byImage.TryGetValue(imageId, out var list)) file._byImage[imageId] = list = [];
                list.Add(a);
            }
        return file;
    }

    private static SeerException Bad(string display, string reason) =>
        new(ErrorCodes.InvalidInput, $"{display}: {reason}", display);
}

/// <summary>One entry of a COCO file's images array.</summary>
internal sealed record CocoImage(string Id, string FileName, int? Width, int? Height,
    Dictionary<string, string> Attributes, string? Problem);
