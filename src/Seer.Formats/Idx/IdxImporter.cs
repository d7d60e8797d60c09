using System.Text.RegularExpressions;
using Seer.Core.Errors;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;

namespace Seer.Formats.Idx;

/// <summary>
/// IDX (MNIST, Fashion-MNIST): <c>&lt;split&gt;-images-idx3-ubyte[.gz]</c> with <c>&lt;split&gt;-labels-idx1-ubyte[.gz]</c>.
/// Each image becomes PNG bytes named <c>&lt;split&gt;/00001.png</c> (1-based, in file order) tagged with its class.
/// Class names: classes.txt when present, else Fashion-MNIST's names when the source's path says "fashion", else
/// MNIST's digits (labels above 9 are named by their number). An images file without labels is unlabelled.
/// </summary>
public sealed partial class IdxImporter : IDatasetImporter
{
    public string Format => "idx";

    [GeneratedRegex(@"^(?<key>.*?)[-_.]?(?<kind>images|labels)[-_.]idx(?<dims>[13])[-_.]ubyte(\.gz)?$", RegexOptions.IgnoreCase)]
    private static partial Regex IdxName();

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in source.Files)
        {
            var m = IdxName().Match(SourcePath.FileName(f));
            if (!m.Success) continue;
            string dir = SourcePath.Directory(f);
            string key = m.Groups["key"].Value;
            if (key.Length == 0) key = "data";
            key = dir.Length == 0 ? key : dir + "/" + key;
            bool isImages = m.Groups["kind"].Value.Equals("images", StringComparison.OrdinalIgnoreCase);
            IDictionary<string, string> target = isImages ? images : labels;
            if (!target.TryAdd(key, f))
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{source.Origin}: two IDX {(isImages ? "image" : "label")} files for '{key}' ({target[key]} and {f})", source.Origin);
        }
        if (images.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{source.Origin}: no IDX image files found (expected e.g. train-images-idx3-ubyte.gz beside train-labels-idx1-ubyte.gz)", source.Origin);
        foreach (var key in labels.Keys.Where(k => !images.ContainsKey(k)))
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Display(labels[key])}: labels without an images file for '{key}'", source.Display(labels[key]));
        var sets = new List<IdxSet>();
        foreach (var (key, imagePath) in images)
        {
            var imageFile = IdxFile.Load(source, imagePath, 3);
            IdxFile? labelFile = labels.TryGetValue(key, out var labelPath) ? IdxFile.Load(source, labelPath, 1) : null;
            if (labelFile is not null && labelFile.Count != imageFile.Count)
                throw new SeerException(ErrorCodes.InvalidInput,
                    $"{source.Display(labelPath!)}: {labelFile.Count} labels for {imageFile.Count} images in {source.Display(imagePath)}", source.Display(labelPath!));
            sets.Add(new IdxSet(key, imagePath, imageFile, labelPath, labelFile));
        }
        var classes = ClassNames(source, sets);
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, sets, classes, sink), classes));
    }

    private static IReadOnlyList<string> ClassNames(IFileSource source, List<IdxSet> sets)
    {
        string? classesTxt = source.Files.Where(f => SourcePath.FileName(f).Equals("classes.txt", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f.Count(c => c == '/')).FirstOrDefault();
        if (classesTxt is not null)
        {
            using var reader = new StreamReader(source.Open(classesTxt));
            var names = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            while (names.Count > 0 && names[^1].Length == 0) names.RemoveAt(names.Count - 1);
            return ClassLists.Check(names, source.Display(classesTxt));
        }
        bool fashion = source.Origin.Contains("fashion", StringComparison.OrdinalIgnoreCase)
                       || sets.Any(s => s.ImagePath.Contains("fashion", StringComparison.OrdinalIgnoreCase));
        int max = sets.Where(s => s.Labels is not null)
            .Select(s => s.Labels!.Data.AsSpan(s.Labels.Offset, s.Labels.Count).ToArray().DefaultIfEmpty((byte)0).Max())
            .DefaultIfEmpty((byte)0).Max();
        var known = fashion ? IdxClassNames.FashionMnist : IdxClassNames.Mnist;
        return max < known.Count ? known : [.. known, .. Enumerable.Range(known.Count, max - known.Count + 1).Select(i => i.ToString())];
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, List<IdxSet> sets, IReadOnlyList<string> classes, IssueSink sink)
    {
        foreach (var set in sets)
        {
            int rows = set.Images.Dimensions[1], cols = set.Images.Dimensions[2];
            int digits = Math.Max(5, set.Images.Count.ToString().Length);
            string display = source.Display(set.ImagePath);
            for (int i = 0; i < set.Images.Count; i++)
            {
                string fileName = $"{set.Key}/{(i + 1).ToString().PadLeft(digits, '0')}.png";
                int offset = set.Images.Offset + i * rows * cols;
                var image = set.Images;
                var item = new ImportItem(fileName, () => new MemoryStream(IdxPng.Encode(image.Data, offset, rows, cols), writable: false),
                    $"{display} (image {i + 1})")
                {
                    DeclaredWidth = cols,
                    DeclaredHeight = rows,
                };
                if (set.Labels is not null)
                {
                    int label = set.Labels.Data[set.Labels.Offset + i];
                    if (label >= classes.Count)
                    {
                        sink.Reject($"{source.Display(set.LabelPath!)} (label {i + 1})", $"unknown class id {label}: the class list has {classes.Count} classes");
                        continue;
                    }
                    item = item with { IsLabelled = true, Tags = [classes[label]] };
                }
                yield return item;
            }
        }
    }

    private sealed record IdxSet(string Key, string ImagePath, IdxFile Images, string? LabelPath, IdxFile? Labels);
}
