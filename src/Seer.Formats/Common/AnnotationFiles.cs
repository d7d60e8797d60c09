using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Handoff;
using Seer.Formats.Sources;

namespace Seer.Formats.Common;

/// <summary>What the single-file formats (CVAT's annotations.xml, Label Studio's tasks.json) share around that file.</summary>
internal static class AnnotationFiles
{
    /// <summary>
    /// The format's one annotation file: the one the options name, else the shallowest file called
    /// <paramref name="name"/>, else the only file ending in <paramref name="extension"/>; otherwise an error naming the
    /// source and how many candidates it holds.
    /// </summary>
    public static string Find(IFileSource source, ImportOptions options, string format, string name, string extension)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var candidates = source.Files.Where(f => f.EndsWith(extension, StringComparison.OrdinalIgnoreCase)).ToList();
        string? file = options.AnnotationFile is { } chosen ? SourcePath.Normalize(chosen)
            : candidates.Where(f => SourcePath.FileName(f).Equals(name, StringComparison.OrdinalIgnoreCase))
                  .OrderBy(f => f.Count(c => c == '/')).ThenBy(f => f, StringComparer.Ordinal).FirstOrDefault()
              ?? (candidates.Count == 1 ? candidates[0] : null);
        if (file is null || !source.Exists(file))
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{source.Origin}: no {format} {name} found (expected {name} or a single {extension} file; found {candidates.Count}; name the one to read)", source.Origin);
        return file;
    }

    /// <summary>The labels a task lists: the classes, then every other label used (objects, tags, predicted tags).</summary>
    public static List<string> Labels(DatasetSnapshot snapshot)
    {
        var labels = snapshot.Classes.ToList();
        foreach (var l in snapshot.Images.SelectMany(i => i.Objects.Select(o => o.Label).Concat(i.Tags)
                     .Concat(PredictedTag.TryGet(i, out var p, out _) ? [p] : Array.Empty<string>())))
            if (!labels.Contains(l)) labels.Add(l);
        return labels;
    }

    /// <summary>How many of an image's attributes a format that carries predicted tags loses.</summary>
    public static int LostImageAttributes(ImageRecord image) =>
        image.Attributes.Count - (PredictedTag.TryGet(image, out _, out _)
            ? image.Attributes.Count(a => a.Key is PredictedTag.LabelAttribute or PredictedTag.ScoreAttribute) : 0);
}
