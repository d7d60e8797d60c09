using Seer.Core.Annotations;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Core.Interchange;
using Seer.Formats.Common;
using Seer.Formats.Sources;
using Seer.Imaging;

namespace Seer.Formats.Yolo;

/// <summary>
/// YOLO: <c>images/…/x.jpg</c> with <c>labels/…/x.txt</c> (or the txt beside the image), one line per object
/// <c>class cx cy w h</c> normalised to the image size (a 6th column is a score; 1 + 2k values with k ≥ 3 is a
/// normalised polygon). Class names from data.yaml or classes.txt. The image header gives the size to convert with.
/// Images without a label file are unlabelled; an empty label file is a labelled image without objects.
/// </summary>
public sealed class YoloImporter : IDatasetImporter
{
    public string Format => "yolo";

    public ImportRead Read(IFileSource source, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        var images = ImageFiles.In(source).Where(p => !p.Split('/').SkipLast(1).Contains("labels")).ToList();
        var classes = YoloClasses.Find(source);
        bool anyLabels = images.Any(p => source.Exists(LabelPath(p)));
        if (classes is null && anyLabels)
            throw new SeerException(ErrorCodes.InvalidInput,
                $"{source.Origin}: YOLO labels hold class ids only; add data.yaml (names: [...]) or classes.txt to name them",
                source.Origin);
        if (images.Count == 0)
            throw new SeerException(ErrorCodes.InvalidInput, $"{source.Origin}: no images found for a YOLO dataset", source.Origin);
        var sink = new IssueSink();
        return sink.Attach(new ImportRead(Items(source, images, classes ?? [], sink), classes ?? []));
    }

    /// <summary>images/a/b.jpg → labels/a/b.txt (last "images" folder); a.jpg → a.txt beside it.</summary>
    internal static string LabelPath(string imagePath)
    {
        var parts = imagePath.Split('/');
        int at = parts.Length < 2 ? -1 : Array.LastIndexOf(parts, "images", parts.Length - 2);
        if (at >= 0) parts[at] = "labels";
        return SourcePath.WithoutExtension(string.Join('/', parts)) + ".txt";
    }

    /// <summary>The dataset name: the path without its last "images" folder.</summary>
    internal static string DatasetName(string imagePath)
    {
        var parts = imagePath.Split('/').ToList();
        int at = parts.Count < 2 ? -1 : parts.LastIndexOf("images", parts.Count - 2);
        if (at >= 0) parts.RemoveAt(at);
        return string.Join('/', parts);
    }

    private static IEnumerable<ImportItem> Items(IFileSource source, List<string> images, IReadOnlyList<string> classes, IssueSink sink)
    {
        var names = new NameRegistry();
        foreach (var path in images)
        {
            string fileName = DatasetName(path);
            string display = source.Display(path);
            if (!names.TryAdd(fileName, display, out var first))
            {
                sink.Reject(display, NameRegistry.DuplicateReason(fileName, first));
                continue;
            }
            string labelPath = LabelPath(path);
            var item = ImageFiles.Item(source, path, fileName);
            if (!source.Exists(labelPath))
            {
                yield return item;
                continue;
            }
            ImageHeader header;
            string reason;
            using (var stream = source.Open(path))
                if (!ImageProbe.TryRead(stream, out header, out reason))
                {
                    sink.Reject(display, $"cannot read the image size to convert its YOLO labels: {reason}");
                    continue;
                }
            string text;
            using (var reader = new StreamReader(source.Open(labelPath))) text = reader.ReadToEnd();
            var objects = ReadLabels(text, classes, header.Width, header.Height, source.Display(labelPath), sink, out string? malformed);
            if (malformed is not null)
            {
                sink.Reject(source.Display(labelPath), malformed);
                continue;
            }
            yield return item with { IsLabelled = true, Objects = objects };
        }
    }

    private static List<ObjectAnnotation> ReadLabels(string text, IReadOnlyList<string> classes, int width, int height,
        string display, IssueSink sink, out string? malformed)
    {
        malformed = null;
        var objects = new List<ObjectAnnotation>();
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            var tokens = lines[n].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            var values = new double[tokens.Length - 1];
            bool numeric = int.TryParse(tokens[0], out int classId);
            for (int i = 1; i < tokens.Length && numeric; i++) numeric = Num.TryParse(tokens[i], out values[i - 1]);
            bool polygon = tokens.Length >= 7 && tokens.Length % 2 == 1;
            if (!numeric && tokens.Skip(1).FirstOrDefault(t => double.TryParse(t, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out double d) && !double.IsFinite(d)) is { } infinite)
            {
                malformed = $"line {n + 1}: {Num.NotFinite(infinite)}";
                return objects;
            }
            if (!numeric || (tokens.Length != 5 && tokens.Length != 6 && !polygon))
            {
                malformed = $"line {n + 1}: expected 'class cx cy w h' (numbers, optional score) or 'class x1 y1 x2 y2 ...', got '{lines[n].Trim()}'";
                return objects;
            }
            if (classId < 0 || classId >= classes.Count)
            {
                sink.Reject($"{display} (line {n + 1})", $"unknown class id {classId}: the class list has {classes.Count} classes (0..{classes.Count - 1})");
                continue;
            }
            ObjectAnnotation o;
            if (polygon)
            {
                var points = new List<PointXy>();
                for (int i = 0; i < values.Length; i += 2) points.Add(new PointXy(values[i] * width, values[i + 1] * height));
                o = new ObjectAnnotation(classes[classId], BoxCheck.Bounds([points])) { Polygons = [points] };
            }
            else
            {
                var box = new BoxCxcywhNormalized(values[0], values[1], values[2], values[3]).ToPixels(width, height);
                o = new ObjectAnnotation(classes[classId], box);
                if (tokens.Length == 6) o = o with { Score = values[4], Source = AnnotationSource.Predicted };
            }
            if (BoxCheck.Degenerate(o.Box) is { } degenerate)
            {
                sink.Reject($"{display} (line {n + 1})", $"'{o.Label}': {degenerate}");
                continue;
            }
            objects.Add(o);
        }
        return objects;
    }
}
